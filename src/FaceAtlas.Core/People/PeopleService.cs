using System.Numerics.Tensors;
using FaceAtlas.Vectors;

namespace FaceAtlas.Core.People;

/// <summary>
/// What a clustering run changed. <paramref name="Neighbourhood"/>: the run read only the new faces' neighbourhood;
/// its <paramref name="Faces"/> are then the new faces, <paramref name="FacesAssigned"/> the faces it put in people (new
/// ones, and lone ones that joined them) and <paramref name="FacesUnassigned"/> the new faces left in none; otherwise
/// all three count every face of the catalog.
/// </summary>
public sealed record ClusteringSummary(int Faces, int People, int NewPeople, int FacesAssigned, int FacesUnassigned, TimeSpan Elapsed,
    bool Neighbourhood = false);

/// <summary>Two people who are probably one, for a quick "same person?" review.</summary>
public sealed record MergeSuggestion(PersonSummary First, PersonSummary Second, float Similarity)
{
    public SuggestionKey Key => new(Similarity, First.Id, Second.Id);
}

/// <summary>
/// A suggestion's place in their order (most alike first, then by the two people's ids), which holds while others
/// are answered or the suggestions are made again: a page that starts after a key neither skips nor repeats a pair.
/// </summary>
public readonly record struct SuggestionKey(float Similarity, long First, long Second) : IComparable<SuggestionKey>
{
    public int CompareTo(SuggestionKey other) => Similarity != other.Similarity ? other.Similarity.CompareTo(Similarity)
        : First != other.First ? First.CompareTo(other.First) : Second.CompareTo(other.Second);

    public string Text => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Similarity:R}_{First}_{Second}");

    public static SuggestionKey Parse(string text)
    {
        var parts = text.Split('_');
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        return parts.Length == 3 && float.TryParse(parts[0], System.Globalization.NumberStyles.Float, invariant, out float similarity) && float.IsFinite(similarity)
            && long.TryParse(parts[1], System.Globalization.NumberStyles.None, invariant, out long first)
            && long.TryParse(parts[2], System.Globalization.NumberStyles.None, invariant, out long second)
            ? new SuggestionKey(similarity, first, second)
            : throw new InvalidRequestException($"after takes the 'next' of a page of suggestions, not '{text}'");
    }
}

/// <summary>
/// The rules for people: clustering, naming, merging, moving and rejecting faces, splitting, suggestions. Every
/// request is checked before anything is written, so a refused request changes nothing.
/// </summary>
public sealed class PeopleService(IPeopleCatalog catalog, ClusteringOptions? options = null)
{
    readonly ClusteringOptions _options = options ?? ClusteringOptions.Default;

    /// <summary>
    /// Groups faces into people (only those without one unless <paramref name="full"/>); one clustering at a time per
    /// catalog: <paramref name="waiting"/> is told when another runs and this one waits its turn.
    /// <para>
    /// With <paramref name="neighbours"/> (the search index, current with the catalog), an incremental run reads only
    /// the new faces' neighbourhood, unless new faces are more than <see cref="ClusteringOptions.NeighbourhoodShare"/> of
    /// them all; the decisions are the same (<see cref="FaceClusterer.PlanAround"/>), and the summary counts the new
    /// faces, not the catalog's.
    /// </para>
    /// </summary>
    public ClusteringSummary Cluster(bool full, CancellationToken cancel = default, Action? waiting = null, IFaceNeighbours? neighbours = null)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        using var turn = catalog.ClusteringTurn(waiting ?? (() => { }));
        if (!full && neighbours is not null)
        {
            int most = (int)(neighbours.Faces * _options.NeighbourhoodShare);
            var fresh = catalog.FacesNotClustered(limit: most);
            if (fresh.Count <= most)
                return ClusterNeighbourhood(NotBeforeTheirBirth(fresh), neighbours, started, cancel);
        }
        var summary = ClusterAll(full, started, cancel);
        // Every person was written anew: each one's sum is kept now (every face in a person read once more, once
        // the faces read above are let go), so the next photos' clustering and the review read a row per person.
        if (full) catalog.EveryPersonAsCluster();
        return summary with { Elapsed = started.Elapsed };
    }

    /// <summary>Clusters every face (moving only those in no person unless <paramref name="full"/>).</summary>
    ClusteringSummary ClusterAll(bool full, System.Diagnostics.Stopwatch started, CancellationToken cancel)
    {
        var faces = NotBeforeTheirBirth(catalog.FacesForClustering());
        var before = faces.Where(f => f.PersonId is not null).Select(f => f.PersonId!.Value).ToHashSet();
        var plan = new FaceClusterer(_options).Plan(faces, full, cancel);
        var ids = catalog.Change(rows => Apply(rows, plan));
        return new ClusteringSummary(faces.Count, ids.Count, ids.Count(id => !before.Contains(id)),
            plan.Clusters.Sum(c => c.FaceIds.Count), plan.Unassigned.Count, started.Elapsed);
    }

    /// <summary>
    /// Clusters <paramref name="fresh"/>, the faces no clustering has seen, against what the index finds near them:
    /// the faces found, and whole the people those are in.
    /// </summary>
    ClusteringSummary ClusterNeighbourhood(IReadOnlyList<StoredFace> fresh, IFaceNeighbours neighbours,
        System.Diagnostics.Stopwatch started, CancellationToken cancel)
    {
        if (fresh.Count == 0)
        {
            // Nothing to place, but photos may be gone: their people's covers and the people left empty follow.
            catalog.Change(rows =>
            {
                AfterFacesMoved(rows);
                return 0;
            });
            return new ClusteringSummary(0, catalog.PeopleCount(), 0, 0, 0, started.Elapsed, Neighbourhood: true);
        }
        // A few more than the neighbours kept: some found may be faces clustering leaves out (ignored ones).
        var nearest = new IReadOnlyList<NearFace>[fresh.Count];
        Parallel.For(0, fresh.Count, new ParallelOptions { CancellationToken = cancel },
            i => nearest[i] = neighbours.Nearest(fresh[i].Embedding, _options.Neighbours + 8));
        var freshIds = fresh.Select(f => f.FaceId).ToHashSet();
        var around = NotBeforeTheirBirth(catalog.FacesForClustering(
            nearest.SelectMany(n => n).Select(n => n.Face).Where(f => !freshIds.Contains(f)).ToHashSet()));
        var photos = fresh.Concat(around.Where(f => f.PersonId is null)).Select(f => f.PhotoId).ToHashSet();
        var people = catalog.PeopleAsClusters(around.Select(f => f.PersonId).OfType<long>().ToHashSet(), photos);
        var plan = new FaceClusterer(_options).PlanAround(fresh, nearest, around, people, cancel);
        // The people these faces join keep their sums current: the next few photos need not read them whole again.
        var placed = plan.Clusters.SelectMany(c => c.FaceIds).Concat(plan.Unassigned).ToList();
        catalog.Change(rows => rows.CarryingSums(placed, () => Apply(rows, plan)));
        return new ClusteringSummary(fresh.Count, catalog.PeopleCount(), plan.Clusters.Count(c => c.PersonId is null),
            plan.Clusters.Sum(c => c.FaceIds.Count), plan.Unassigned.Count(freshIds.Contains), started.Elapsed, Neighbourhood: true);
    }

    /// <summary>
    /// Writes a clustering: machine placements for the clusters' faces (new people where needed), none for the
    /// unassigned; a face the user placed stays where they put it. Every face named is marked clustered.
    /// Returns the person of each cluster, in order.
    /// </summary>
    static List<long> Apply(IPeopleRows rows, ClusteringPlan plan)
    {
        var ids = new List<long>(plan.Clusters.Count);
        foreach (var cluster in plan.Clusters)
        {
            long person = cluster.PersonId ?? rows.NewPerson();
            ids.Add(person);
            rows.PlaceFaces(cluster.FaceIds, person, FaceAssignment.Machine, unlessPlacedBy: FaceAssignment.User);
        }
        rows.PlaceFaces(plan.Unassigned, null, FaceAssignment.None, unlessPlacedBy: FaceAssignment.User);
        rows.SetClustered(plan.Clusters.SelectMany(c => c.FaceIds).Concat(plan.Unassigned).ToList(), true);
        AfterFacesMoved(rows);
        return ids;
    }

    /// <summary>
    /// The birth-date rule as clustering sees it: a face of a photo taken before someone was born is "not them", as a
    /// rejection is, so no clustering puts it with them.
    /// </summary>
    IReadOnlyList<StoredFace> NotBeforeTheirBirth(IReadOnlyList<StoredFace> faces)
    {
        var births = catalog.Births().Select(b => (Id: b.Key, Birth: b.Value)).OrderByDescending(p => p.Birth).ToList();
        if (births.Count == 0) return faces;
        return faces.Select(f =>
        {
            if (f.Taken is not { } taken) return f;
            var unborn = births.TakeWhile(b => b.Birth > taken).Select(b => b.Id).ToList();
            return unborn.Count == 0 ? f : f with { RejectedPeople = [.. f.RejectedPeople, .. unborn] };
        }).ToList();
    }

    /// <summary>Faces out of any person, as new ones: the next clustering looks for their neighbours again.</summary>
    static void ToBeClusteredAgain(IPeopleRows rows, IReadOnlyCollection<long> faces)
    {
        rows.PlaceFaces(faces, null, FaceAssignment.None);
        rows.SetClustered(faces, false);
    }

    /// <summary>The two rules that follow any move of faces between people.</summary>
    static void AfterFacesMoved(IPeopleRows rows)
    {
        DropUnnamedPeopleWithoutFaces(rows);
        CoverEachPersonWithTheirOwnFace(rows);
    }

    /// <summary>A person the machine made lives by their faces; one the user named stays until forgotten.</summary>
    static void DropUnnamedPeopleWithoutFaces(IPeopleRows rows)
    {
        var empty = rows.PeopleWithoutFaces().Where(p => !p.Named).Select(p => p.Person).ToList();
        if (empty.Count > 0) rows.DeletePeople(empty);
    }

    /// <summary>
    /// A person whose cover is missing or no longer theirs is covered by their most confident, largest face (the
    /// lowest id among equals, so the choice is the same on every backend); one with no face, by none.
    /// </summary>
    static void CoverEachPersonWithTheirOwnFace(IPeopleRows rows)
    {
        var uncovered = rows.PeopleWithoutTheirOwnCover();
        if (uncovered.Count == 0) return;
        var best = rows.FacesForCover(uncovered)
            .GroupBy(c => c.Person)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(c => (double)c.Score * c.Width * c.Height).ThenBy(c => c.Face).First().Face);
        foreach (var person in uncovered)
            rows.SetCover(person, best.TryGetValue(person, out var face) ? face : null);
    }

    /// <summary>The change this service last added to the history (for an "Undo" beside its answer); null for none.</summary>
    public long? Recorded { get; private set; }

    /// <summary>
    /// Runs a change the user can take back: every row it touches is journaled as it was, and the change goes into
    /// the catalog's history in the same transaction (a change that wrote nothing leaves no line).
    /// </summary>
    T Undoable<T>(string kind, string summary, Func<IPeopleRows, T> change)
    {
        var (result, id) = catalog.Change(rows =>
        {
            var journal = new JournaledRows(rows);
            var result = change(journal);
            long? id = journal.Touched ? rows.RecordChange(kind, summary, journal.Journal().ToJson()) : null;
            return (result, id);
        });
        Recorded = id;
        return result;
    }

    /// <summary>
    /// Undoes the newest change not undone yet (<paramref name="change"/>: only if it is that one, so that an "Undo"
    /// shown beside an answer never takes back someone else's later change). Every row it touched is put back; faces
    /// that joined a person it made since are left to clustering. Returns what was undone.
    /// </summary>
    public RecordedChange Undo(long? change = null) => catalog.Change(rows =>
    {
        var latest = rows.LatestChange() ?? throw new InvalidRequestException("there is no change to undo");
        if (change is { } asked && asked != latest.Change.Id)
            throw new InvalidRequestException(asked > latest.Change.Id
                ? $"change {asked} is undone already, or was never made"
                : $"change {asked} is not the latest: undo \"{latest.Change.Summary}\" (change {latest.Change.Id}) first");
        PutBack(rows, UndoJournal.FromJson(latest.Journal));
        rows.MarkUndone(latest.Change.Id);
        return latest.Change with { Undone = true };
    });

    static void PutBack(IPeopleRows rows, UndoJournal journal)
    {
        rows.RestorePeople(journal.People.Select(p => p.Row).OfType<PersonRow>().ToList());
        var now = rows.FaceStates(journal.Faces.Select(f => f.Face).ToList()).ToDictionary(f => f.Face);
        rows.RestoreFaces(journal.Faces);
        // A face whose person is gone since (a full clustering dropped them) is left to clustering, not put in nobody.
        var existing = rows.PersonRows(journal.Faces.Select(f => f.Person).OfType<long>().Distinct().ToList()).Select(p => p.Id).ToHashSet();
        var orphaned = journal.Faces.Where(f => f.Person is { } p && !existing.Contains(p) && now.ContainsKey(f.Face)).Select(f => f.Face).ToList();
        if (orphaned.Count > 0) ToBeClusteredAgain(rows, orphaned);
        // The "not a face" mark through its own row operation, which also tells the search index.
        foreach (var marked in journal.Faces.Where(f => now.TryGetValue(f.Face, out var n) && n.NotFace != f.NotFace).GroupBy(f => f.NotFace))
            rows.SetNotFace(marked.Select(f => f.Face).ToList(), marked.Key);
        var made = journal.People.Where(p => p.Row is null).Select(p => p.Id).ToList();
        foreach (var person in made)
            ToBeClusteredAgain(rows, rows.FacesIn(person)); // faces clustering put in them after the change
        if (made.Count > 0) rows.DeletePeople(made);
        // A face forgotten since takes its marks with it.
        var present = rows.FaceStates(journal.Rejections.Select(m => m.First).Distinct().ToList()).Select(f => f.Face).ToHashSet();
        foreach (var mark in journal.Rejections.Where(m => present.Contains(m.First)))
        {
            if (mark.Existed) rows.AddRejections([mark.First], mark.Second);
            else rows.RemoveRejections([mark.First], mark.Second);
        }
        foreach (var mark in journal.Distinct)
        {
            if (mark.Existed) rows.MarkDistinct(mark.First, mark.Second);
            else rows.UnmarkDistinct(mark.First, mark.Second);
        }
        AfterFacesMoved(rows);
    }

    /// <summary>The changes the user made, newest first.</summary>
    public IReadOnlyList<RecordedChange> History(int limit = 50) => catalog.History(limit);

    /// <summary>A person as a line of history names them.</summary>
    static string Called(PersonSummary p) => p.Name ?? $"Unnamed person {p.Id}";

    static string Faces(int count) => count == 1 ? "1 face" : $"{count} faces";

    public IReadOnlyList<PersonSummary> List(bool includeHidden = false) => catalog.People(includeHidden);

    /// <summary>
    /// A page of <see cref="List"/>'s people; <paramref name="nameHolds"/>: only those whose name holds it, in any case
    /// (the person picker's typing).
    /// </summary>
    public PersonList Page(bool includeHidden, string? nameHolds, int offset, int limit)
    {
        if (string.IsNullOrWhiteSpace(nameHolds)) return catalog.PeoplePage(includeHidden, namedOnly: false, offset, limit);
        // Names alone are looked through (.NET's rule, the same on every catalog: SQL's LIKE folds ASCII alone); only
        // the page's people are read whole.
        string holds = nameHolds.Trim();
        var named = catalog.NamedPeople(includeHidden).Where(p => p.Name.Contains(holds, StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(p => p.Faces).ThenBy(p => p.Id).ToList();
        var page = named.Skip(offset).Take(limit).Select(p => p.Id).ToList();
        var read = catalog.PeopleWithIds(page).ToDictionary(p => p.Id);
        return new PersonList(named.Count, page.Where(read.ContainsKey).Select(id => read[id]).ToList());
    }

    public PersonSummary Get(long id) => catalog.Person(id) ?? throw new NotFoundException($"no person {id}");

    public void Name(long person, string name)
    {
        var before = Get(person);
        name = CheckName(name);
        Undoable("name", before.Name is null ? $"Named {name} (was {Called(before)})"
            : before.Name == name ? $"Confirmed the faces of {name}" : $"Renamed {before.Name} to {name}", rows =>
        {
            rows.SetName(person, name);
            rows.SetPlacedBy(person, FaceAssignment.User); // naming a person is saying their faces are right
            return true;
        });
    }

    /// <summary>The name as it would be kept (trimmed); throws when it cannot be one.</summary>
    public string CheckName(string name)
    {
        name = name.Trim();
        if (name.Length == 0) throw new InvalidRequestException("a name cannot be empty");
        // A line break or an escape in a name would break every list it appears in, and could drive a terminal.
        if (name.Any(char.IsControl)) throw new InvalidRequestException("a name cannot hold control characters (a line break, a tab, an escape)");
        if (name.IndexOfAny(['/', '\\']) >= 0 || name is "." or "..")
            throw new InvalidRequestException($"'{name}' cannot be a name: it would not be a folder name on export");
        return name;
    }

    /// <summary>
    /// Sets the day a person was born (null: not known). Each face of theirs is then of an age; one of a photo taken
    /// before it (someone else: a parent, an older sibling) leaves them, marked "not them", and joins them no more:
    /// not by clustering, suggestion, review or a move. Returns how many faces left.
    /// </summary>
    public int SetBirth(long person, DateOnly? birth)
    {
        var who = Get(person);
        if (birth is { } day && day > DateOnly.FromDateTime(DateTime.Now.AddDays(1)))
            throw new InvalidRequestException($"a birth day cannot be in the future ({day:yyyy-MM-dd})");
        if (birth is { Year: < 1850 } early)
            throw new InvalidRequestException($"{early:yyyy-MM-dd} is too early a birth day for a person in a photo");
        var unborn = birth is { } born ? catalog.FaceDays(catalog.FacesOf(person)).Where(d => d.Value < born).Select(d => d.Key).ToList() : [];
        return Undoable("birth", birth is { } b ? $"{Called(who)} born {b:yyyy-MM-dd}" : $"{Called(who)}'s birth day removed", rows =>
        {
            rows.SetBirth(person, birth);
            if (unborn.Count == 0) return 0;
            ToBeClusteredAgain(rows, unborn);
            rows.AddRejections(unborn, person);
            AfterFacesMoved(rows);
            return unborn.Count;
        });
    }

    public void Hide(long person, bool hidden)
    {
        var who = Get(person);
        Undoable(hidden ? "hide" : "unhide", $"{(hidden ? "Hid" : "Showed")} {Called(who)}", rows => { rows.SetHidden(person, hidden); return true; });
    }

    public PersonSummary Merge(long into, IReadOnlyList<long> from)
    {
        var target = Get(into);
        if (from.Count == 0) throw new InvalidRequestException("name at least one person to merge into the first");
        if (from.Contains(into)) throw new InvalidRequestException($"cannot merge person {into} into itself");
        RefuseRepeatedIds(from, "person");
        var sources = from.Select(Get).ToList();
        var birth = BirthOfMerged(target, sources);
        Undoable("merge", $"Merged {string.Join(", ", sources.Select(Called))} into {Called(target)}", rows =>
        {
            // An unnamed target takes the name of the first source that has one.
            if (target.Name is null && sources.FirstOrDefault(s => s.Name is not null)?.Name is { } name)
                rows.SetName(into, name);
            // and a target of unknown birth the birth day of the sources (all the same, BirthOfMerged checked it).
            if (target.Birth is null && birth is not null) rows.SetBirth(into, birth);
            foreach (var source in from)
            {
                rows.MoveAllFaces(source, into);
                rows.MoveRejections(source, into); // "not Bea" stays true of the faces Bea became
                rows.DeletePeople([source]);
            }
            rows.SetPlacedBy(into, FaceAssignment.User); // a merge is the user saying these faces are one person
            AfterFacesMoved(rows);
            return true;
        });
        return Get(into);
    }

    /// <summary>
    /// The birth day of the person a merge makes, checked before anything is written: people born on different days
    /// are not one person, and no face of any of them may be of a photo taken before that day (a merge is a move of
    /// every face). Null when none of them has a birth day.
    /// </summary>
    DateOnly? BirthOfMerged(PersonSummary target, IReadOnlyList<PersonSummary> sources)
    {
        var all = sources.Prepend(target).ToList();
        var born = all.Where(p => p.Birth is not null).ToList();
        if (born.Count == 0) return null;
        if (born.FirstOrDefault(p => p.Birth != born[0].Birth) is { } other)
            throw new InvalidRequestException($"{Called(born[0])} and {Called(other)} were born on different days " +
                $"({born[0].Birth:yyyy-MM-dd}, {other.Birth:yyyy-MM-dd}): they are not one person");
        var birth = born[0].Birth!.Value;
        foreach (var person in all.Where(p => p.Birth is null))
            RefuseBeforeBirth(catalog.FacesOf(person.Id), birth, Called(born[0]), $" ({Called(person)}'s)");
        return birth;
    }

    /// <summary>
    /// The birth-date rule for the user's own placements: refuses, saying which face and why, when any of
    /// <paramref name="faces"/> is in a photo taken before <paramref name="who"/> was born on <paramref name="birth"/>.
    /// </summary>
    void RefuseBeforeBirth(IReadOnlyCollection<long> faces, DateOnly birth, string who, string whose = "")
    {
        var unborn = catalog.FaceDays(faces).Where(d => d.Value < birth).OrderBy(d => d.Key).ToList();
        if (unborn.Count > 0)
            throw new InvalidRequestException($"face {unborn[0].Key}{whose} is in a photo taken {unborn[0].Value:yyyy-MM-dd}, before {who} was born ({birth:yyyy-MM-dd})" +
                (unborn.Count > 1 ? $", and {unborn.Count - 1} more" : ""));
    }

    /// <summary>
    /// Refuses a face of a photo taken on <paramref name="taken"/> (its own date, never a file's) for a person born
    /// after it: for a face that is not in the catalog yet (one drawn by hand), checked before it is added.
    /// </summary>
    public void RefuseBeforeBirth(long person, Catalog.CaptureDate? taken)
    {
        var who = Get(person);
        if (who.Birth is { } birth && PersonAge.DayOf(taken) is { } day && day < birth)
            throw new InvalidRequestException($"the photo was taken {day:yyyy-MM-dd}, before {Called(who)} was born ({birth:yyyy-MM-dd})");
    }

    /// <summary>
    /// Moves faces to a person (null: a new person); the user's decision, kept by every re-run. Refused for a face of
    /// a photo taken before the person was born.
    /// </summary>
    public long MoveFaces(IReadOnlyList<long> faces, long? to)
    {
        CheckFaces(faces);
        string where = to is { } person ? Called(Get(person)) : "a new person";
        if (to is { } target && Get(target).Birth is { } birth) RefuseBeforeBirth(faces, birth, where);
        return Undoable("move", $"Moved {Faces(faces.Count)} to {where}", rows => Move(rows, faces, to));
    }

    static long Move(IPeopleRows rows, IReadOnlyList<long> faces, long? to)
    {
        RefuseNotFaces(rows, faces);
        long person = to ?? rows.NewPerson();
        rows.PlaceFaces(faces, person, FaceAssignment.User);
        rows.RemoveRejections(faces, person); // moving a face into a person takes back an earlier "not this person"
        AfterFacesMoved(rows);
        return person;
    }

    /// <summary>
    /// A detection said to be no face is no one's and no stranger: it takes a face again first (refused inside the
    /// change's transaction, so nothing of it is written).
    /// </summary>
    static void RefuseNotFaces(IPeopleRows rows, IReadOnlyCollection<long> faces)
    {
        var marked = rows.NotFacesAmong(faces);
        if (marked.Count > 0)
            throw new InvalidRequestException($"face {string.Join(", ", marked.Order())} is marked not a face: make it a face again first (faces not-a-face --undo)");
    }

    /// <summary>"Not this person": the faces leave the person and never join it again.</summary>
    public void RejectFaces(IReadOnlyList<long> faces, long from)
    {
        Get(from);
        var people = CheckFaces(faces);
        var elsewhere = faces.Where(f => people[f] != from).ToList();
        if (elsewhere.Count > 0)
            throw new InvalidRequestException($"face {string.Join(", ", elsewhere)} is not in person {from}");
        Undoable("reject", $"{Faces(faces.Count)} not {Called(Get(from))}", rows => Reject(rows, faces, from));
    }

    static bool Reject(IPeopleRows rows, IReadOnlyList<long> faces, long person)
    {
        rows.PlaceFaces(faces, null, FaceAssignment.None);
        rows.SetClustered(faces, false); // out of the person, the face looks for its neighbours again: it may be someone else
        rows.AddRejections(faces, person);
        AfterFacesMoved(rows);
        return true;
    }

    /// <summary>The face that stands for the person in lists: one of their own.</summary>
    public void SetCover(long person, long face)
    {
        var who = Get(person);
        if (CheckFaces([face])[face] != person) throw new InvalidRequestException($"face {face} is not in person {person}");
        Undoable("cover", $"Chose face {face} to stand for {Called(who)}", rows => { rows.SetCover(person, face); return true; });
    }

    /// <summary>"Ignore": background strangers out of people, review and suggestions; undone with <paramref name="ignored"/> false.</summary>
    public void Ignore(IReadOnlyList<long> faces, bool ignored = true)
    {
        CheckFaces(faces);
        Undoable(ignored ? "ignore" : "unignore", $"{(ignored ? "Ignored" : "Brought back")} {Faces(faces.Count)}", rows =>
        {
            if (ignored)
            {
                RefuseNotFaces(rows, faces);
                rows.SetIgnored(faces, true);
                rows.PlaceFaces(faces, null, FaceAssignment.User); // out of any person, as the user's decision
            }
            else
            {
                // Ignored no more: like a new face, to be clustered. A face that was not ignored is left alone.
                var back = rows.IgnoredAmong(faces);
                rows.SetIgnored(back, false);
                ToBeClusteredAgain(rows, back);
            }
            AfterFacesMoved(rows);
            return true;
        });
    }

    /// <summary>
    /// "Not a face" (a hand, a logo, a poster): the detections leave their person and every list of faces for good, and
    /// keep the mark when their photo is analysed again (see <see cref="Catalog.ReanalysedFaces"/>). Undone with
    /// <paramref name="notFace"/> false: a face again, in no person and to be clustered, as a new face; a face that
    /// was not marked is left alone.
    /// </summary>
    public void NotAFace(IReadOnlyList<long> faces, bool notFace = true)
    {
        CheckFaces(faces);
        Undoable(notFace ? "not-a-face" : "a-face", notFace ? $"{Faces(faces.Count)} not a face" : $"{Faces(faces.Count)} a face again", rows =>
        {
            if (notFace)
            {
                rows.SetNotFace(faces, true);
                rows.SetIgnored(faces, false); // no longer a stranger in the background either: no face at all
                rows.PlaceFaces(faces, null, FaceAssignment.User);
            }
            else
            {
                var back = rows.NotFacesAmong(faces);
                rows.SetNotFace(back, false);
                ToBeClusteredAgain(rows, back);
            }
            AfterFacesMoved(rows);
            return true;
        });
    }

    /// <summary>
    /// Splits a person that holds several people: their faces are clustered alone, more strictly. The largest group
    /// stays; each other group of two or more becomes a new person, and a lone face leaves (rejected).
    /// Returns the people the faces are now in (the original first).
    /// </summary>
    public IReadOnlyList<long> Split(long person, CancellationToken cancel = default)
    {
        Get(person);
        var faceIds = catalog.FacesOf(person).ToHashSet();
        var faces = catalog.FacesForClustering().Where(f => faceIds.Contains(f.FaceId)).ToList();
        var groups = new FaceClusterer(_options).Split(faces, cancel);
        return Undoable("split", $"Split {Called(Get(person))}", rows =>
        {
            var result = new List<long> { person };
            foreach (var group in groups.Skip(1))
            {
                if (group.Count >= 2) result.Add(Move(rows, group, null));
                else Reject(rows, group, person);
            }
            return result;
        });
    }

    /// <summary>Forgets a person and their faces for good (see <see cref="IPeopleCatalog.Forget"/>); returns the faces.</summary>
    public IReadOnlyList<long> Forget(long person)
    {
        Get(person);
        var faces = catalog.FacesOf(person).ToHashSet();
        // The history first: a crash between the two leaves a person with fewer lines of history, never a history
        // that could bring a forgotten person back.
        catalog.Change(rows => ForgetHistoryOf(rows, person, faces));
        return catalog.Forget(person);
    }

    /// <summary>
    /// Forgetting is for good, so the history keeps nothing of the person: every change that names them or their
    /// faces goes, and so does every change not undone before the newest of those (undo goes newest first, and
    /// could no longer pass it). Returns how many changes went.
    /// </summary>
    static int ForgetHistoryOf(IPeopleRows rows, long person, IReadOnlySet<long> faces)
    {
        var kept = rows.KeptChanges();
        var mentions = kept.Where(c => Mentions(UndoJournal.FromJson(c.Journal), person, faces)).Select(c => c.Change.Id).ToHashSet();
        if (mentions.Count == 0) return 0;
        long newest = kept.Where(c => !c.Change.Undone && mentions.Contains(c.Change.Id)).Select(c => c.Change.Id).DefaultIfEmpty(0).Max();
        var gone = kept.Where(c => mentions.Contains(c.Change.Id) || (!c.Change.Undone && c.Change.Id < newest)).Select(c => c.Change.Id).ToList();
        rows.ForgetChanges(gone);
        return gone.Count;
    }

    static bool Mentions(UndoJournal journal, long person, IReadOnlySet<long> faces) =>
        journal.People.Any(p => p.Id == person)
        || journal.Faces.Any(f => f.Person == person || faces.Contains(f.Face))
        || journal.Rejections.Any(m => m.Second == person || faces.Contains(m.First))
        || journal.Distinct.Any(m => m.First == person || m.Second == person);

    /// <summary>"Not the same person": the pair is never suggested again.</summary>
    public void Dismiss(long a, long b)
    {
        if (a == b) throw new InvalidRequestException("a person is always the same as themselves");
        var first = Get(a);
        var second = Get(b);
        Undoable("dismiss", $"Not the same: {Called(first)} and {Called(second)}", rows => { rows.MarkDistinct(Math.Min(a, b), Math.Max(a, b)); return true; });
    }

    /// <summary>How many of each person's nearest people a suggestion is looked for among.</summary>
    const int SuggestionNeighbours = 10;

    /// <summary>
    /// What a face needs to seed suggestions: the detector's confidence (it keeps anything from 0.65) and, where the
    /// face has one, its quality. Below these, on 221 detections of four labelled sets, were three of the four that
    /// were no face (hair, a painting, a hand: 0.74-0.89) and two blurred background faces (quality 0.05 and 0.10);
    /// every clear face was above (the least sure 0.94). The figures are in docs/QUALITY.md.
    /// </summary>
    public const float SuggestionMinScore = 0.90f, SuggestionMinQuality = 0.10f;

    /// <summary>
    /// Pairs of visible people whose average faces are most alike, most likely first, each among the other's
    /// <see cref="SuggestionNeighbours"/> nearest; dismissed pairs never. Only faces the detector is sure of, of a
    /// quality that says who they are (<see cref="SuggestionMinScore"/>, <see cref="SuggestionMinQuality"/>), make a
    /// person's average: a person of doubtful or very poor faces alone is never suggested.
    /// </summary>
    public IReadOnlyList<MergeSuggestion> Suggest(int count = 20, float minSimilarity = 0.25f)
    {
        var centroids = PersonAverage.Of(catalog, f => f.Score >= SuggestionMinScore && (f.Quality ?? 1) >= SuggestionMinQuality)
            .ToDictionary(a => a.Person.Id);
        var ids = centroids.Keys.Order().ToList();
        var dismissed = catalog.DistinctPeople();
        // Each person's nearest people by their average face (every pair up to 20,000 people, an inverted file above),
        // not every pair: at 100,000 people that would be five billion.
        var edges = ApproximateNeighbourGraph.Build(ids.Select(id => centroids[id].Mean).ToList(), null, SuggestionNeighbours, minSimilarity);
        var suggestions = new List<MergeSuggestion>();
        var seen = new HashSet<(long, long)>();
        foreach (var edge in edges)
        {
            var pair = (Math.Min(ids[edge.A], ids[edge.B]), Math.Max(ids[edge.A], ids[edge.B]));
            if (pair.Item1 == pair.Item2 || !seen.Add(pair)) continue;
            var (a, b) = (centroids[pair.Item1], centroids[pair.Item2]);
            if (a.Photos.Overlaps(b.Photos)) continue; // seen together in a photo: two people
            // in a photo taken before the other was born: two people (a child and their parent or older sibling)
            if (!PersonAge.CouldBe(a.Person.Birth, b.Earliest) || !PersonAge.CouldBe(b.Person.Birth, a.Earliest)) continue;
            if (dismissed.Contains(pair)) continue;
            float sim = TensorPrimitives.Dot(a.Mean, b.Mean);
            if (sim >= minSimilarity) suggestions.Add(new MergeSuggestion(a.Person, b.Person, sim));
        }
        return suggestions.OrderBy(s => s.Key).Take(count).ToList();
    }

    /// <summary>
    /// Suggestions made a while ago, as they stand now: each person read afresh (a name or count changed since shows),
    /// a pair left out when either is gone, hidden, or the two were said to be different people since.
    /// </summary>
    public IReadOnlyList<MergeSuggestion> Current(IReadOnlyList<MergeSuggestion> made) =>
        Current(catalog, made.Select(s => (s.First.Id, s.Second.Id, s.Similarity)).ToList());

    internal static IReadOnlyList<MergeSuggestion> Current(IPeopleCatalog catalog, IReadOnlyList<(long First, long Second, float Similarity)> pairs)
    {
        if (pairs.Count == 0) return [];
        var dismissed = catalog.DistinctPeople();
        var people = catalog.PeopleWithIds(pairs.SelectMany(s => new[] { s.First, s.Second }).ToHashSet()).Where(p => !p.Hidden).ToDictionary(p => p.Id);
        return pairs.Where(s => !dismissed.Contains((Math.Min(s.First, s.Second), Math.Max(s.First, s.Second)))
                && people.ContainsKey(s.First) && people.ContainsKey(s.Second))
            .Select(s => new MergeSuggestion(people[s.First], people[s.Second], s.Similarity)).ToList();
    }

    IReadOnlyDictionary<long, long?> CheckFaces(IReadOnlyList<long> faces)
    {
        if (faces.Count == 0) throw new InvalidRequestException("name at least one face");
        RefuseRepeatedIds(faces, "face");
        var known = catalog.FacePeople(faces);
        var missing = faces.Where(f => !known.ContainsKey(f)).ToList();
        if (missing.Count > 0) throw new NotFoundException($"no face {string.Join(", ", missing)}");
        return known;
    }

    /// <summary>
    /// An id given twice is refused rather than read as once: `merge 1 2 2` is more likely a mistyped `merge 1 2 3`
    /// than a wish, and acting on half of a mistaken request is worse than asking again.
    /// </summary>
    internal static void RefuseRepeatedIds(IReadOnlyList<long> ids, string what)
    {
        var twice = ids.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (twice.Count > 0)
            throw new InvalidRequestException($"{what} {string.Join(", ", twice)} given more than once");
    }
}
