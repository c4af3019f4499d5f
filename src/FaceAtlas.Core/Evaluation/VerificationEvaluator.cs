using FaceAtlas.Core.Faces;

namespace FaceAtlas.Core.Evaluation;

/// <summary>Scores labelled pairs by the cosine similarity of their embeddings.</summary>
public static class VerificationEvaluator
{
    /// <summary>
    /// A pair with a photo that has no face counts as "different" (similarity −1), so a missed face costs
    /// accuracy instead of being quietly left out.
    /// </summary>
    public static VerificationReport Evaluate(IReadOnlyList<FacePair> pairs, Func<string, float[]?> embeddingOf,
        double threshold, int folds = 10)
    {
        if (pairs.Count == 0) throw new ArgumentException("no pairs to evaluate", nameof(pairs));
        var scored = new (double Similarity, bool Same)[pairs.Count];
        int missing = 0;
        for (int i = 0; i < pairs.Count; i++)
        {
            var (a, b) = (embeddingOf(pairs[i].First), embeddingOf(pairs[i].Second));
            double sim = a is null || b is null ? -1 : Embeddings.Similarity(a, b);
            if (a is null || b is null) missing++;
            scored[i] = (sim, pairs[i].Same);
        }

        // Folds interleave the pairs, so each fold holds same and different pairs alike.
        var foldAccuracies = new List<double>();
        for (int k = 0; k < folds; k++)
        {
            var train = scored.Where((_, i) => i % folds != k).ToArray();
            var test = scored.Where((_, i) => i % folds == k).ToArray();
            if (test.Length == 0) continue;
            foldAccuracies.Add(Accuracy(test, BestThreshold(train).Threshold));
        }
        double mean = foldAccuracies.Average();
        double std = Math.Sqrt(foldAccuracies.Sum(a => (a - mean) * (a - mean)) / Math.Max(1, foldAccuracies.Count - 1));
        var best = BestThreshold(scored);
        return new VerificationReport(pairs.Count, missing,
            scored.Where(s => s.Same).Select(s => s.Similarity).DefaultIfEmpty().Average(),
            scored.Where(s => !s.Same).Select(s => s.Similarity).DefaultIfEmpty().Average(),
            mean, std, best.Threshold, best.Accuracy, threshold, Accuracy(scored, threshold));
    }

    static double Accuracy(IReadOnlyCollection<(double Similarity, bool Same)> scored, double threshold) =>
        scored.Count(s => (s.Similarity >= threshold) == s.Same) / (double)scored.Count;

    /// <summary>The threshold (midway between neighbouring similarities) that classifies the most pairs right.</summary>
    internal static (double Threshold, double Accuracy) BestThreshold((double Similarity, bool Same)[] scored)
    {
        var sorted = scored.OrderBy(s => s.Similarity).ToArray();
        // Threshold below everything: all predicted "same".
        int correct = sorted.Count(s => s.Same);
        int bestCorrect = correct;
        double best = sorted[0].Similarity - 1e-6;
        for (int i = 0; i < sorted.Length; i++)
        {
            // Moving the threshold above sorted[i] turns it into "different".
            correct += sorted[i].Same ? -1 : 1;
            if (i + 1 < sorted.Length && sorted[i + 1].Similarity == sorted[i].Similarity) continue;
            if (correct > bestCorrect)
            {
                bestCorrect = correct;
                best = i + 1 < sorted.Length ? (sorted[i].Similarity + sorted[i + 1].Similarity) / 2 : sorted[i].Similarity + 1e-6;
            }
        }
        return (best, bestCorrect / (double)sorted.Length);
    }
}
