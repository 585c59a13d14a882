using Cordon.Service.Api;
using Cordon.Service.Runs;

namespace Cordon.Service.Auth;

/// <summary>
/// A key's largest budget applied to one request: a limit the request asks for past the key's maximum is a 403 that
/// names it; a default past it (the request named none) is lowered to it, written into the request so that a worker
/// validating the request again gets the same budget.
/// </summary>
internal static class KeyLimitCheck
{
    /// <summary>The request with lowered defaults, or null when it is within the key's limits as it is.</summary>
    public static RunRequest? Apply(ApiKey key, RunRequest request, RunPlan plan)
    {
        KeyLimits max = key.Limits;
        if (max == KeyLimits.None) return null;
        LimitsRequest asked = request.Limits ?? new LimitsRequest();
        LimitsRequest limits = asked with
        {
            TimeMs = Milliseconds(key, "timeMs", asked.TimeMs, plan.Run.WallTime, max.WallTime),
            CpuMs = Milliseconds(key, "cpuMs", asked.CpuMs, plan.Run.CpuTime, max.CpuTime),
            MemoryBytes = Amount(key, "memoryBytes", asked.MemoryBytes, plan.Run.MemoryBytes, max.MemoryBytes),
            Pids = (int?)Amount(key, "pids", asked.Pids, plan.Run.Processes, max.Processes),
            OutputBytes = Amount(key, "outputBytes", asked.OutputBytes, plan.Run.OutputBytes, max.OutputBytes),
        };
        if (plan.Compile is { } compile)
        {
            limits = limits with
            {
                CompileTimeMs = Milliseconds(key, "compileTimeMs", asked.CompileTimeMs, compile.WallTime, max.WallTime),
                CompileCpuMs = Milliseconds(key, "compileCpuMs", asked.CompileCpuMs, compile.CpuTime, max.CpuTime),
                CompileMemoryBytes = Amount(key, "compileMemoryBytes", asked.CompileMemoryBytes, compile.MemoryBytes, max.MemoryBytes),
            };
        }

        return limits == asked ? null : request with { Limits = limits };
    }

    private static long? Milliseconds(ApiKey key, string field, long? asked, TimeSpan effective, TimeSpan? max)
        => Amount(key, field, asked, (long)Math.Ceiling(effective.TotalMilliseconds), max is { } m ? (long)m.TotalMilliseconds : null);

    private static long? Amount(ApiKey key, string field, long? asked, long? effective, long? max)
    {
        if (max is not { } limit) return asked;
        if (asked is { } value && value > limit)
        {
            throw new ProblemException(403, "limit-forbidden", "The key may not ask for this limit",
                $"limits.{field} is {value}; tenant '{key.Tenant}' may ask for at most {limit}", "limits." + field);
        }

        return asked ?? (effective is null || effective > limit ? limit : null);
    }
}
