// Writes one line and exits: what any NativeAOT program pays before its own code runs.
Console.Out.WriteLine("floor");
