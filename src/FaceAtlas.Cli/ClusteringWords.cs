using FaceAtlas.Core.People;

namespace FaceAtlas.Cli;

/// <summary>What a clustering did, in the words <c>cluster</c> and <c>index</c> print alike.</summary>
internal static class ClusteringWords
{
    /// <summary>Said when another clustering of a shared catalog runs and this one waits its turn.</summary>
    public const string Waiting = "cluster: another clustering of this catalog is running; waiting for it to finish";

    public static void Write(ClusteringSummary s, TextWriter output) =>
        output.WriteLine(s.Neighbourhood
            ? $"Clustered {s.Faces} new faces against their neighbourhood in {s.Elapsed.TotalSeconds:F1} s: " +
              $"{s.People} people ({s.NewPeople} new), {s.FacesAssigned} faces put in people, {s.FacesUnassigned} new faces not in any yet"
            : $"Clustered {s.Faces} faces in {s.Elapsed.TotalSeconds:F1} s: {s.People} people ({s.NewPeople} new), " +
              $"{s.FacesAssigned} faces in people, {s.FacesUnassigned} not in any yet");
}
