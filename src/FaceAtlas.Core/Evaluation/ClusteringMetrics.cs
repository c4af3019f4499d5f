namespace FaceAtlas.Core.Evaluation;

/// <summary>Precision, recall and F of a clustering against true identities.</summary>
public readonly record struct PrecisionRecall(double Precision, double Recall)
{
    public double F => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);
}

/// <summary>
/// How well clusters match identities: BCubed (Amigó et al. 2009: per item, the share of its cluster that is its
/// identity, and of its identity that is in its cluster, averaged) and pairwise (over pairs of items: same cluster
/// vs same identity). Items are (identity, cluster) labels.
/// </summary>
public sealed record ClusteringReport(int Items, int Identities, int Clusters, PrecisionRecall BCubed, PrecisionRecall Pairwise)
{
    public static ClusteringReport Of(IReadOnlyList<(string Identity, long Cluster)> items)
    {
        var byCluster = items.GroupBy(i => i.Cluster).ToDictionary(g => g.Key, g => g.Count());
        var byIdentity = items.GroupBy(i => i.Identity).ToDictionary(g => g.Key, g => g.Count());
        var byBoth = items.GroupBy(i => (i.Identity, i.Cluster)).ToDictionary(g => g.Key, g => g.Count());

        double p = 0, r = 0;
        foreach (var item in items)
        {
            int both = byBoth[(item.Identity, item.Cluster)];
            p += (double)both / byCluster[item.Cluster];
            r += (double)both / byIdentity[item.Identity];
        }
        static double Pairs(int n) => n * (n - 1) / 2.0;
        double truePairs = byBoth.Values.Sum(Pairs), clusterPairs = byCluster.Values.Sum(Pairs), identityPairs = byIdentity.Values.Sum(Pairs);
        var pairwise = new PrecisionRecall(clusterPairs == 0 ? 1 : truePairs / clusterPairs, identityPairs == 0 ? 1 : truePairs / identityPairs);
        return new ClusteringReport(items.Count, byIdentity.Count, byCluster.Count,
            new PrecisionRecall(p / items.Count, r / items.Count), pairwise);
    }
}
