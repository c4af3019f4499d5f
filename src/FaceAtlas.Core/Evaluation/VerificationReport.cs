namespace FaceAtlas.Core.Evaluation;

/// <summary>
/// Face verification on labelled pairs. <see cref="CrossValidatedAccuracy"/> follows LFW's protocol (threshold
/// picked on nine folds, accuracy measured on the tenth); <see cref="BestAccuracy"/> picks the threshold on all
/// pairs and is optimistic; <see cref="AccuracyAtThreshold"/> uses the product's fixed threshold.
/// </summary>
public sealed record VerificationReport(
    int Pairs,
    int PairsMissingAFace,
    double MeanSameSimilarity,
    double MeanDifferentSimilarity,
    double CrossValidatedAccuracy,
    double CrossValidatedStdDev,
    double BestThreshold,
    double BestAccuracy,
    double Threshold,
    double AccuracyAtThreshold);
