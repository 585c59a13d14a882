// The "calculator plugin host": the module gets env::add and provably nothing else (no WASI: no files, clock,
// random, environment or output). Usage: dotnet run -- [EXPORT ARGS...], e.g. `dotnet run -- sum3 1 2 3`.
using System.Text;
using Cordon.Backends.Wasm;
using Cordon.Execution;
using Cordon.Policy;

string export = args.Length > 0 ? args[0] : "sum3";
string[] arguments = args.Length > 1 ? args[1..] : ["1", "2", "3"];
int calls = 0;

WasmBackendOptions options = WasmBackendOptions.Default
    .WithWasi(false)
    .Grant(WasmHostFunction.Create<int, int, int>("env", "add", (a, b) =>
    {
        Interlocked.Increment(ref calls);
        return checked(a + b);   // an overflow throws: the plugin traps with host_function_error
    }))
    .WithInvoke(export)
    .WithFuel(1_000_000);

using var backend = new WasmSandboxBackend(options);
SandboxPolicy policy = new SandboxPolicyBuilder().WithWallTime(TimeSpan.FromSeconds(2)).Build();
string module = Path.Combine(AppContext.BaseDirectory, "calculator.wat");

WasmRunResult run = await backend.RunWasmAsync(policy, new SandboxCommand(module, arguments));
SandboxResult result = run.Result;
Console.WriteLine($"{export}({string.Join(", ", arguments)}) = {Encoding.UTF8.GetString(result.StandardOutput.Bytes.Span).Trim()}");
Console.WriteLine($"outcome: {result.Outcome}, host calls: {calls}, fuel: {run.FuelConsumed}, detail: {result.Detail ?? "-"}");
return result.IsSuccess ? 0 : 1;
