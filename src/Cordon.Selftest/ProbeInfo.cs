using Cordon.Selftest.Probes;

namespace Cordon.Selftest;

/// <summary>One probe of the catalogue, for listing.</summary>
/// <param name="Id">The probe's id.</param>
/// <param name="Category">Its attack class.</param>
/// <param name="Description">The hostile action.</param>
/// <param name="Expected">The contained outcome it declares.</param>
/// <param name="Program">The probe program under probes/ and its arguments.</param>
public sealed record ProbeInfo(string Id, ProbeCategory Category, string Description, string Expected, string Program);
