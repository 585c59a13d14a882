using System.Collections.Frozen;
using Cordon.Output;
using Jint;
using Jint.Native;
using Jint.Runtime;
using Jint.Runtime.Interop;
using Jint.Runtime.Modules;

namespace Cordon.Backends.JavaScript;

/// <summary>
/// Records the doors a script tries: every global name that does not exist (<c>require</c>, <c>fetch</c>...), consulted
/// by the engine only when a name cannot be resolved, and every module import, which is refused (no module is ever
/// granted). The script sees exactly what a missing name or module gives it anywhere: a <c>ReferenceError</c>, a
/// rejected <c>import()</c>.
/// </summary>
internal sealed class Denials(RunState run) : ModuleLoader, IReferenceResolver
{
    /// <summary>Globals that are a door in Node, Deno or a browser, with what they would open.</summary>
    private static readonly FrozenDictionary<string, string> KnownDoors = new Dictionary<string, string>
    {
        ["require"] = "Node's module loader (fs, child_process, net...)",
        ["module"] = "Node's module object",
        ["exports"] = "Node's module exports",
        ["process"] = "Node's process object (env, exit, spawn bindings)",
        ["Buffer"] = "Node's Buffer",
        ["__dirname"] = "Node's script directory",
        ["__filename"] = "Node's script path",
        ["global"] = "Node's global alias",
        ["Deno"] = "Deno's runtime API",
        ["Bun"] = "Bun's runtime API",
        ["fetch"] = "network requests",
        ["XMLHttpRequest"] = "network requests",
        ["WebSocket"] = "network sockets",
        ["EventSource"] = "network streams",
        ["navigator"] = "the browser's navigator (sendBeacon, devices)",
        ["WebAssembly"] = "compiling and running WebAssembly",
        ["setTimeout"] = "timers",
        ["setInterval"] = "timers",
        ["setImmediate"] = "timers",
        ["queueMicrotask"] = "the host's job queue",
        ["window"] = "the browser window",
        ["document"] = "the browser document (DOM, cookies)",
        ["location"] = "the page location",
        ["localStorage"] = "browser storage",
        ["sessionStorage"] = "browser storage",
        ["indexedDB"] = "browser storage",
        ["importScripts"] = "a worker's script loader",
        ["Worker"] = "threads",
        ["SharedWorker"] = "threads",
        ["postMessage"] = "messages to other contexts",
        ["performance"] = "high-resolution timers",
        ["crypto"] = "the host's crypto API",
        ["structuredClone"] = "the host's structured clone",
        ["alert"] = "browser dialogs",
        ["open"] = "opening windows",
        ["TCPSocket"] = "raw TCP sockets (Direct Sockets)",
        ["UDPSocket"] = "raw UDP sockets (Direct Sockets)",
        ["ActiveXObject"] = "launching programs (WScript.Shell)",
        ["showOpenFilePicker"] = "the user's files",
        ["readFile"] = "file access (the policy grants no file)",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    // IReferenceResolver: only UnresolvableReference is subscribed to (see ScriptEngine).

    public bool TryUnresolvableReference(Engine engine, Reference reference, out JsValue value)
    {
        value = JsValue.Undefined;
        string name = reference.ReferencedName.IsString() ? reference.ReferencedName.AsString() : "?";
        run.Deny(KnownDoors.TryGetValue(name, out string? what)
            ? $"{name}: not defined (would open {what}; not granted in the JavaScript tier)"
            : $"{UntrustedText.Fragment(name)}: not defined");
        return false;
    }

    public bool TryPropertyReference(Engine engine, Reference reference, ref JsValue value) => false;

    public bool TryGetCallable(Engine engine, object callee, out JsValue value)
    {
        value = JsValue.Undefined;
        return false;
    }

    public bool CheckCoercible(JsValue value) => false;

    // ModuleLoader: every import is refused; the engine rejects import() with "Could not load module ...".

    public override ResolvedSpecifier Resolve(string? referencingModuleLocation, ModuleRequest moduleRequest)
        => new(moduleRequest, moduleRequest.Specifier, Uri: null, SpecifierType.Bare);

    protected override string LoadModuleContents(Engine engine, ResolvedSpecifier resolved)
    {
        run.Deny($"import {UntrustedText.Quote(resolved.ModuleRequest.Specifier)}: refused (no module is granted in the JavaScript tier)");
        throw new InvalidOperationException("no module is granted in the JavaScript tier");
    }
}
