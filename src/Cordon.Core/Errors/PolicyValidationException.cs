using System.Collections.Immutable;

namespace Cordon.Errors;

/// <summary>A policy was refused; <see cref="Errors"/> lists every problem at once.</summary>
public sealed class PolicyValidationException : CordonException
{
    internal PolicyValidationException(ImmutableArray<PolicyError> errors)
        : base("invalid policy:\n  " + string.Join("\n  ", errors)) => Errors = errors;

    /// <summary>Every problem found.</summary>
    public ImmutableArray<PolicyError> Errors { get; }

    /// <summary>Creates the exception for callers outside Cordon.Core that validate policy input (policy files).</summary>
    public static PolicyValidationException Create(IEnumerable<PolicyError> errors) => new([.. errors]);
}
