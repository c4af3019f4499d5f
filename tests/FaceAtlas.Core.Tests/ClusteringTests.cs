using FaceAtlas.Vectors;
using FaceAtlas.Core.People;

namespace FaceAtlas.Core.Tests;

/// <summary>The clustering rules, one at a time, on synthetic embeddings.</summary>
public sealed class ClusteringTests
{
    static ClusteringPlan Plan(IReadOnlyList<StoredFace> faces, bool full = true) => new FaceClusterer().Plan(faces, full);

    static long? PersonOf(ClusteringPlan plan, long face) =>
        plan.Clusters.Select((c, i) => (c, i)).Where(x => x.c.FaceIds.Contains(face)).Select(x => x.c.PersonId ?? -(x.i + 1)).Cast<long?>().FirstOrDefault();

    [Fact]
    public void Should_GroupEachIdentity_When_FacesFormNoisyClusters()
    {
        // Given: three identities of 6 faces
        var s = new SyntheticFaces(1);
        var identities = Enumerable.Range(0, 3).Select(_ => s.Direction()).ToList();
        var faces = identities.SelectMany((id, k) => Enumerable.Range(0, 6).Select(_ => s.Stored(s.Face(id)))).ToList();

        // When
        var plan = Plan(faces);

        // Then: three clusters, each exactly one identity
        Assert.Equal(3, plan.Clusters.Count);
        Assert.Empty(plan.Unassigned);
        foreach (var cluster in plan.Clusters)
            Assert.Single(cluster.FaceIds.Select(f => (f - 1) / 6).Distinct());
    }

    [Fact]
    public void Should_LeaveOutlierUnassigned_When_ItResemblesNoOne()
    {
        var s = new SyntheticFaces(2);
        var id = s.Direction();
        var faces = Enumerable.Range(0, 5).Select(_ => s.Stored(s.Face(id))).ToList();
        var stranger = s.Stored(s.Direction());

        var plan = Plan([.. faces, stranger]);

        Assert.Equal(5, Assert.Single(plan.Clusters).FaceIds.Count);
        Assert.Equal([stranger.FaceId], plan.Unassigned);
    }

    [Fact]
    public void Should_KeepFacesOfOnePhotoApart_When_TheyLookAlike()
    {
        // Given: twins in one photo (same embedding direction), and two more photos of each
        var s = new SyntheticFaces(3);
        var id = s.Direction();
        var a = s.Stored(s.Face(id), photo: 100);
        var b = s.Stored(s.Face(id), photo: 100);

        var plan = Plan([a, b]);

        // Then: never one person
        Assert.NotEqual(PersonOf(plan, a.FaceId) ?? -100, PersonOf(plan, b.FaceId) ?? -200);
    }

    [Fact]
    public void Should_NeverMoveUserPlacedFaces_When_ClusteringFully()
    {
        // Given: a face the user put in person 7, though it looks like identity B; identity B's other faces free
        var s = new SyntheticFaces(4);
        var (idA, idB) = (s.Direction(), s.Direction());
        var placed = s.Stored(s.Face(idB), person: 7, assignment: FaceAssignment.User);
        var others = Enumerable.Range(0, 4).Select(_ => s.Stored(s.Face(idB))).ToList();
        var a = Enumerable.Range(0, 3).Select(_ => s.Stored(s.Face(idA), person: 8, assignment: FaceAssignment.User)).ToList();

        var plan = Plan([placed, .. others, .. a]);

        // Then: the placed face is still person 7 (and B's other faces join it); person 8 keeps its faces
        Assert.Equal(7, PersonOf(plan, placed.FaceId));
        Assert.All(others, f => Assert.Equal(7, PersonOf(plan, f.FaceId)));
        Assert.All(a, f => Assert.Equal(8, PersonOf(plan, f.FaceId)));
    }

    [Fact]
    public void Should_NeverMergeTwoUserPeople_When_TheyLookAlike()
    {
        var s = new SyntheticFaces(5);
        var id = s.Direction();
        var first = Enumerable.Range(0, 3).Select(_ => s.Stored(s.Face(id), person: 1, assignment: FaceAssignment.User)).ToList();
        var second = Enumerable.Range(0, 3).Select(_ => s.Stored(s.Face(id), person: 2, assignment: FaceAssignment.User)).ToList();

        var plan = Plan([.. first, .. second]);

        Assert.Equal([1L, 2L], plan.Clusters.Select(c => c.PersonId!.Value).Order());
    }

    [Fact]
    public void Should_NotJoinAPerson_When_UserRejectedTheFaceFromIt()
    {
        // Given: person 3's faces, and a face of the same identity the user said is not person 3
        var s = new SyntheticFaces(6);
        var id = s.Direction();
        var person = Enumerable.Range(0, 4).Select(_ => s.Stored(s.Face(id), person: 3, assignment: FaceAssignment.User)).ToList();
        var rejected = s.Stored(s.Face(id), rejected: 3);

        var plan = Plan([.. person, rejected]);

        Assert.NotEqual(3, PersonOf(plan, rejected.FaceId));
        Assert.Contains(rejected.FaceId, plan.Unassigned);
    }

    [Fact]
    public void Should_JoinExistingPeopleAndKeepTheirIds_When_Incremental()
    {
        // Given: person 5 made by the machine earlier, and new faces: two of that identity, three of a new one
        var s = new SyntheticFaces(7);
        var (old, fresh) = (s.Direction(), s.Direction());
        var existing = Enumerable.Range(0, 4).Select(_ => s.Stored(s.Face(old), person: 5, assignment: FaceAssignment.Machine)).ToList();
        var newOld = Enumerable.Range(0, 2).Select(_ => s.Stored(s.Face(old))).ToList();
        var newFresh = Enumerable.Range(0, 3).Select(_ => s.Stored(s.Face(fresh))).ToList();

        var plan = Plan([.. existing, .. newOld, .. newFresh], full: false);

        Assert.All(newOld, f => Assert.Equal(5, PersonOf(plan, f.FaceId)));
        var freshPerson = PersonOf(plan, newFresh[0].FaceId);
        Assert.True(freshPerson < 0, "the new identity is a new person");
        Assert.All(newFresh, f => Assert.Equal(freshPerson, PersonOf(plan, f.FaceId)));
    }

    [Fact]
    public void Should_PairANewFaceWithAnEarlierLoneFace_When_Incremental()
    {
        // Given: a face an earlier run left alone, a new face of the same person, and an earlier lone stranger
        var s = new SyntheticFaces(10);
        var id = s.Direction();
        var earlier = s.Stored(s.Face(id)) with { Clustered = true };
        var stranger = s.Stored(s.Direction()) with { Clustered = true };
        var fresh = s.Stored(s.Face(id));

        var plan = Plan([earlier, stranger, fresh], full: false);

        // Then: the two become a new person; the stranger stays alone
        var cluster = Assert.Single(plan.Clusters);
        Assert.Equal([earlier.FaceId, fresh.FaceId], cluster.FaceIds.Order());
        Assert.Null(cluster.PersonId);
        Assert.Equal([stranger.FaceId], plan.Unassigned);
    }

    [Fact]
    public void Should_ChangeNothing_When_IncrementalRunHasNoNewFace()
    {
        var s = new SyntheticFaces(12);
        var id = s.Direction();
        var person = Enumerable.Range(0, 3).Select(_ => s.Stored(s.Face(id), person: 4, assignment: FaceAssignment.Machine) with { Clustered = true }).ToList();
        var alone = s.Stored(s.Direction()) with { Clustered = true };

        var plan = Plan([.. person, alone], full: false);

        Assert.Equal(4, Assert.Single(plan.Clusters).PersonId);
        Assert.Equal([alone.FaceId], plan.Unassigned);
    }

    [Fact]
    public void Should_KeepMachinePersonIds_When_ReclusteringFully()
    {
        var s = new SyntheticFaces(8);
        var id = s.Direction();
        var faces = Enumerable.Range(0, 5).Select(_ => s.Stored(s.Face(id), person: 42, assignment: FaceAssignment.Machine)).ToList();

        var plan = Plan(faces);

        Assert.Equal(42, Assert.Single(plan.Clusters).PersonId);
    }

    [Fact]
    public void Should_NotChainTwoPeople_When_OneFaceLiesBetweenThem()
    {
        // Given: two identities of 8 faces, and one face halfway between them (single linkage would chain them)
        var s = new SyntheticFaces(9);
        var (a, b) = (s.Direction(), s.Direction());
        var between = a.Zip(b, (x, y) => x + y).ToArray();
        var ofA = Enumerable.Range(0, 8).Select(_ => s.Stored(s.Face(a))).ToList();
        var ofB = Enumerable.Range(0, 8).Select(_ => s.Stored(s.Face(b))).ToList();
        var middle = s.Stored(s.Face(between));

        var plan = Plan([.. ofA, .. ofB, middle]);

        var setA = ofA.Select(f => f.FaceId).ToHashSet();
        var setB = ofB.Select(f => f.FaceId).ToHashSet();
        Assert.DoesNotContain(plan.Clusters, c => c.FaceIds.Any(setA.Contains) && c.FaceIds.Any(setB.Contains));
        Assert.Equal(2, plan.Clusters.Count);
    }

    [Fact]
    public void Should_NotMergeOnAnOldLikeness_When_AClusterHasGrownSince()
    {
        // Given: A1 and A2 alike (0.9); B like A1 (0.6) but not A2 (0.2). Alone, A1 and B pass the bar for two lone
        // faces (0.52); once A1 and A2 are one, B's linkage to them is 0.4, under the bar for 2 and 1 faces (0.48).
        double y2 = Math.Sqrt(1 - 0.81), y3 = (0.2 - 0.9 * 0.6) / y2, z3 = Math.Sqrt(1 - 0.36 - y3 * y3);
        float[] a1 = [1, 0, 0], a2 = [0.9f, (float)y2, 0], b = [0.6f, (float)y3, (float)z3];
        var faces = new List<ClusterFace> { new(1, 1, a1), new(2, 2, a2), new(3, 3, b) };
        FaceEdge[] edges = [new(0, 1, 0.9f), new(0, 2, 0.6f), new(1, 2, 0.2f)];

        // When
        var labels = new AverageLinkage(faces).Run(edges, 0.38f, 0.14f);

        // Then: the offer of A1 and B made before A1 grew is not taken
        Assert.Equal(labels[0], labels[1]);
        Assert.NotEqual(labels[0], labels[2]);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void Should_MergeAsPlainAverageLinkage_When_EveryPairIsAnEdge(int seed)
    {
        // Given: 12 identities of 1-9 faces at noise levels that put many pairs near the thresholds
        var s = new SyntheticFaces(seed);
        var random = new Random(seed);
        var faces = new List<ClusterFace>();
        for (int k = 0; k < 12; k++)
        {
            var id = s.Direction();
            double noise = 0.03 + 0.02 * random.NextDouble();
            for (int i = random.Next(1, 10); i > 0; i--)
                faces.Add(new ClusterFace(faces.Count + 1, faces.Count + 1, s.Face(id, noise)));
        }
        var similarity = new float[faces.Count, faces.Count];
        var edges = new List<FaceEdge>();
        for (int a = 0; a < faces.Count; a++)
            for (int b = a + 1; b < faces.Count; b++)
            {
                similarity[a, b] = similarity[b, a] = faces[a].Embedding.Zip(faces[b].Embedding, (x, y) => x * y).Sum();
                edges.Add(new FaceEdge(a, b, similarity[a, b]));
            }

        // When
        var labels = new AverageLinkage(faces).Run(edges, 0.38f, 0.14f);

        // Then: the same groups as the textbook algorithm (merge the most similar allowed pair, until none is left)
        var groups = faces.Select((_, i) => new List<int> { i }).ToList();
        while (true)
        {
            (int A, int B, float Linkage) best = (-1, -1, float.NegativeInfinity);
            for (int a = 0; a < groups.Count; a++)
                for (int b = a + 1; b < groups.Count; b++)
                {
                    float linkage = groups[a].SelectMany(i => groups[b].Select(j => similarity[i, j])).Average();
                    if (linkage >= 0.38f + 0.14f / MathF.Sqrt(groups[a].Count * groups[b].Count) && linkage > best.Linkage) best = (a, b, linkage);
                }
            if (best.A < 0) break;
            groups[best.A].AddRange(groups[best.B]);
            groups.RemoveAt(best.B);
        }
        Assert.True(groups.Count < faces.Count - 5, "the data should make merges");
        var expected = groups.Select(g => string.Join(",", g.Order())).Order();
        var actual = labels.Select((label, i) => (label, i)).GroupBy(x => x.label).Select(g => string.Join(",", g.Select(x => x.i).Order())).Order();
        Assert.Equal(expected, actual);
    }
}

public sealed class MergeOffersTests
{
    [Fact]
    public void Should_GiveTheMostAlikeFirstAndTiesToTheLowerClusters_When_OfferedInAnyOrder()
    {
        // Given: more offers than the queue first holds, with repeated linkages, in a shuffled order
        var random = new Random(5);
        var offers = Enumerable.Range(0, 5000).Select(i => new MergeOffer(random.Next(20) / 20f, random.Next(50), random.Next(50))).ToList();
        var queue = new MergeOffers(capacity: 16, stand: _ => true);
        foreach (var offer in offers.OrderBy(_ => random.Next())) queue.Enqueue(offer);

        // When
        var taken = new List<MergeOffer>();
        while (queue.TryDequeue(out var offer)) taken.Add(offer);

        // Then
        Assert.Equal(offers.OrderByDescending(o => o.Linkage).ThenBy(o => o.A).ThenBy(o => o.B), taken);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void Should_LeaveOutOnlyOffersThatNoLongerStand_When_TheQueueIsSweptToMakeRoom()
    {
        // Given: offers naming a cluster numbered a multiple of 3 no longer stand, and the queue must make room often
        var random = new Random(6);
        var offers = Enumerable.Range(0, 5000).Select(i => new MergeOffer(random.Next(20) / 20f, random.Next(50), random.Next(50))).ToList();
        bool Stands(MergeOffer o) => o.A % 3 != 0 && o.B % 3 != 0;
        var queue = new MergeOffers(capacity: 16, Stands);
        foreach (var offer in offers) queue.Enqueue(offer);

        // When
        var taken = new List<MergeOffer>();
        while (queue.TryDequeue(out var offer)) taken.Add(offer);

        // Then: every offer that stands, in order; stale ones swept out (some may still come, where no sweep reached)
        Assert.Equal(offers.Where(Stands).OrderByDescending(o => o.Linkage).ThenBy(o => o.A).ThenBy(o => o.B), taken.Where(Stands));
        Assert.True(taken.Count < offers.Count * 2 / 3, $"{taken.Count} of {offers.Count} came out: the sweeps left stale offers in");
        Assert.Equal(taken.OrderByDescending(o => o.Linkage).ThenBy(o => o.A).ThenBy(o => o.B), taken);
    }
}
