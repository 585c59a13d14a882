namespace Cordon.Benchmarks;

/// <summary>Order statistics of one scenario's samples, in milliseconds.</summary>
internal sealed record Stats(string Name, int Count, double Min, double Median, double P99)
{
    public static Stats Of(string name, IReadOnlyList<double> samples)
    {
        double[] sorted = [.. samples.Order()];
        return new Stats(name, sorted.Length, sorted[0], Percentile(sorted, 0.5), Percentile(sorted, 0.99));
    }

    private static double Percentile(double[] sorted, double p)
    {
        double rank = p * (sorted.Length - 1);
        int low = (int)Math.Floor(rank);
        int high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    }
}
