namespace Cordon.Service.Api;

/// <summary>
/// An RFC 9457 problem-details document, the one shape of every error this service returns. <see cref="Message"/>
/// repeats <see cref="Detail"/> because Piston clients read <c>message</c>.
/// </summary>
/// <param name="Type">A URN naming the kind of problem, e.g. <c>urn:cordon:problem:file-too-large</c>.</param>
/// <param name="Title">A short, fixed summary of the kind.</param>
/// <param name="Status">The HTTP status.</param>
/// <param name="Detail">What exactly is wrong, where, and how to fix it.</param>
/// <param name="Field">The JSON path of the offending member, when there is one (<c>files[2].content</c>).</param>
internal sealed record Problem(string Type, string Title, int Status, string Detail, string? Field)
{
    /// <summary>Piston's error member.</summary>
    public string Message => Detail;
}

/// <summary>A request the service refuses, carried to the endpoint that writes it as a <see cref="Problem"/>.</summary>
internal sealed class ProblemException(int status, string kind, string title, string detail, string? field = null) : Exception(detail)
{
    public Problem Problem { get; } = new("urn:cordon:problem:" + kind, title, status, detail, field);

    /// <summary>Seconds a client should wait before trying again (429, 503), or null.</summary>
    public int? RetryAfterSeconds { get; init; }

    public static ProblemException Malformed(string detail, string? field = null) => new(400, "malformed-request", "The request is not valid JSON of the expected shape", detail, field);

    public static ProblemException Invalid(string detail, string? field = null) => new(422, "invalid-request", "The request cannot be run as given", detail, field);

    public static ProblemException TooLarge(string detail, string? field = null) => new(422, "request-too-large", "The request exceeds a bound of this server", detail, field);
}
