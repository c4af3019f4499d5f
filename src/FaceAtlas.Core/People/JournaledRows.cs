namespace FaceAtlas.Core.People;

/// <summary>
/// Rows that remember, before each write, what the row held the first time the change touched it, so that the
/// whole change (its rules' follow-ups included: a person dropped, a cover chosen again) can be put back.
/// </summary>
sealed class JournaledRows(IPeopleRows rows) : IPeopleRows
{
    readonly Dictionary<long, FaceState> _faces = [];
    readonly Dictionary<long, PersonRow?> _people = [];
    readonly Dictionary<(long, long), bool> _rejections = [];
    readonly Dictionary<(long, long), bool> _distinct = [];

    /// <summary>Whether anything was touched: a change that wrote nothing is not worth a line of history.</summary>
    public bool Touched => _faces.Count + _people.Count + _rejections.Count + _distinct.Count > 0;

    public UndoJournal Journal() => new(
        [.. _faces.Values],
        [.. _people.Select(p => new PersonBefore(p.Key, p.Value))],
        [.. _rejections.Select(r => new MarkBefore(r.Key.Item1, r.Key.Item2, r.Value))],
        [.. _distinct.Select(d => new MarkBefore(d.Key.Item1, d.Key.Item2, d.Value))]);

    void SeeStates(IEnumerable<FaceState> states)
    {
        foreach (var state in states) _faces.TryAdd(state.Face, state);
    }

    void SeeFaces(IEnumerable<long> faces)
    {
        var fresh = faces.Where(f => !_faces.ContainsKey(f)).Distinct().ToList();
        if (fresh.Count == 0) return;
        foreach (var state in rows.FaceStates(fresh)) _faces[state.Face] = state;
    }

    void SeePeople(IEnumerable<long> people)
    {
        var fresh = people.Where(p => !_people.ContainsKey(p)).Distinct().ToList();
        if (fresh.Count == 0) return;
        var found = rows.PersonRows(fresh).ToDictionary(p => p.Id);
        foreach (var person in fresh) _people[person] = found.GetValueOrDefault(person);
    }

    void SeeRejections(IReadOnlyCollection<long> faces, long person)
    {
        var existing = rows.RejectedAmong(faces, person).ToHashSet();
        foreach (var face in faces) _rejections.TryAdd((face, person), existing.Contains(face));
    }

    public long NewPerson()
    {
        long person = rows.NewPerson();
        _people.TryAdd(person, null);
        return person;
    }

    public void SetName(long person, string name) { SeePeople([person]); rows.SetName(person, name); }

    public void SetHidden(long person, bool hidden) { SeePeople([person]); rows.SetHidden(person, hidden); }

    public void SetBirth(long person, DateOnly? birth) { SeePeople([person]); rows.SetBirth(person, birth); }

    public void SetCover(long person, long? face) { SeePeople([person]); rows.SetCover(person, face); }

    public void DeletePeople(IReadOnlyCollection<long> people) { SeePeople(people); rows.DeletePeople(people); }

    public T CarryingSums<T>(IReadOnlyCollection<long> faces, Func<T> move) => rows.CarryingSums(faces, move);

    /// <summary>
    /// Journals the faces, and the people whose cover is among them as they are now: a cover leaving its person is
    /// cleared by the catalog (<see cref="IPeopleRows.PeopleWithoutTheirOwnCover"/>), and an undo puts it back.
    /// </summary>
    public void PlaceFaces(IReadOnlyCollection<long> faces, long? person, FaceAssignment by, FaceAssignment? unlessPlacedBy = null)
    {
        var now = rows.FaceStates(faces);
        SeeStates(now);
        SeeCoversLeaving(now.Select(f => f.Person).OfType<long>().Where(p => p != person), faces);
        rows.PlaceFaces(faces, person, by, unlessPlacedBy);
    }

    public void MoveAllFaces(long from, long into)
    {
        var faces = rows.FaceStatesIn(from);
        SeeStates(faces);
        SeeCoversLeaving([from], faces.Select(f => f.Face).ToList());
        rows.MoveAllFaces(from, into);
    }

    /// <summary>
    /// The rows of those of <paramref name="people"/> whose cover is one of <paramref name="faces"/>, before it leaves them.
    /// </summary>
    void SeeCoversLeaving(IEnumerable<long> people, IReadOnlyCollection<long> faces)
    {
        var fresh = people.Where(p => !_people.ContainsKey(p)).Distinct().ToList();
        if (fresh.Count == 0) return;
        var leaving = faces.ToHashSet();
        foreach (var row in rows.PersonRows(fresh).Where(p => p.Cover is { } cover && leaving.Contains(cover)))
            _people[row.Id] = row;
    }

    /// <summary>Journals only the faces it changes: naming a person of 30,000 confirmed faces again keeps no journal of them.</summary>
    public void SetPlacedBy(long person, FaceAssignment by) { SeeStates(rows.FaceStatesIn(person).Where(s => s.By != by)); rows.SetPlacedBy(person, by); }

    public void SetClustered(IReadOnlyCollection<long> faces, bool clustered) { SeeFaces(faces); rows.SetClustered(faces, clustered); }

    public void SetIgnored(IReadOnlyCollection<long> faces, bool ignored) { SeeFaces(faces); rows.SetIgnored(faces, ignored); }

    public IReadOnlyCollection<long> IgnoredAmong(IReadOnlyCollection<long> faces) => rows.IgnoredAmong(faces);

    public void SetNotFace(IReadOnlyCollection<long> faces, bool notFace) { SeeFaces(faces); rows.SetNotFace(faces, notFace); }

    public IReadOnlyCollection<long> NotFacesAmong(IReadOnlyCollection<long> faces) => rows.NotFacesAmong(faces);

    public void AddRejections(IReadOnlyCollection<long> faces, long person) { SeeRejections(faces, person); rows.AddRejections(faces, person); }

    public void RemoveRejections(IReadOnlyCollection<long> faces, long person) { SeeRejections(faces, person); rows.RemoveRejections(faces, person); }

    public void MoveRejections(long from, long into)
    {
        var faces = rows.RejectionsOf(from);
        SeeRejections(faces, from);
        SeeRejections(faces, into);
        rows.MoveRejections(from, into);
    }

    public void MarkDistinct(long smaller, long larger)
    {
        _distinct.TryAdd((smaller, larger), rows.AreDistinct(smaller, larger));
        rows.MarkDistinct(smaller, larger);
    }

    public void UnmarkDistinct(long smaller, long larger)
    {
        _distinct.TryAdd((smaller, larger), rows.AreDistinct(smaller, larger));
        rows.UnmarkDistinct(smaller, larger);
    }

    public IReadOnlyList<PersonWithoutFaces> PeopleWithoutFaces() => rows.PeopleWithoutFaces();
    public IReadOnlyList<long> PeopleWithoutTheirOwnCover() => rows.PeopleWithoutTheirOwnCover();
    public IReadOnlyList<CoverCandidate> FacesForCover(IReadOnlyCollection<long> people) => rows.FacesForCover(people);
    public IReadOnlyList<FaceState> FaceStates(IReadOnlyCollection<long> faces) => rows.FaceStates(faces);
    public IReadOnlyList<long> FacesIn(long person) => rows.FacesIn(person);
    public IReadOnlyList<FaceState> FaceStatesIn(long person) => rows.FaceStatesIn(person);
    public IReadOnlyList<PersonRow> PersonRows(IReadOnlyCollection<long> people) => rows.PersonRows(people);
    public IReadOnlyCollection<long> RejectedAmong(IReadOnlyCollection<long> faces, long person) => rows.RejectedAmong(faces, person);
    public IReadOnlyList<long> RejectionsOf(long person) => rows.RejectionsOf(person);
    public bool AreDistinct(long smaller, long larger) => rows.AreDistinct(smaller, larger);

    // Putting rows back and the history itself are not part of a change that can be undone.
    public void RestorePeople(IReadOnlyCollection<PersonRow> people) => throw new InvalidOperationException("an undo is not journaled");
    public void RestoreFaces(IReadOnlyCollection<FaceState> faces) => throw new InvalidOperationException("an undo is not journaled");
    public long RecordChange(string kind, string summary, string journal) => rows.RecordChange(kind, summary, journal);
    public UndoableChange? LatestChange() => rows.LatestChange();
    public void MarkUndone(long change) => rows.MarkUndone(change);
    public IReadOnlyList<UndoableChange> KeptChanges() => rows.KeptChanges();
    public void ForgetChanges(IReadOnlyCollection<long> changes) => rows.ForgetChanges(changes);
}
