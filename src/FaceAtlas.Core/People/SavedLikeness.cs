namespace FaceAtlas.Core.People;

/// <summary>
/// People's average faces (<see cref="PersonCentres"/>) and the merge suggestions made from them, saved on this
/// machine beside the catalog (<c>LocalFiles.centres</c>, <c>LocalFiles.suggestions</c>). Making either reads every
/// face in a person, seconds at a million faces: a server that starts again answers with the last ones saved at once
/// while it makes them anew, and with nothing to make anew when the catalog's people did not change since
/// (<see cref="IPeopleCatalog.PeopleRevision"/>, saved with them). A cache like the search index: tied to the
/// catalog's id, ignored when absent, unreadable or of another catalog, and removed when a person is forgotten (an
/// average face is derived from theirs).
/// </summary>
public static class SavedLikeness
{
    /// <summary>
    /// 2 adds the people's revision; 3 marks suggestions of a server that keeps a thousand of them, not twenty. A file
    /// of 1 is still read, at no revision (made anew once), as are suggestions of 2 (their revision said nothing of
    /// how many were kept).
    /// </summary>
    const int Version = 3;
    const string CentresKind = "FaceAtlas people's average faces", SuggestionsKind = "FaceAtlas merge suggestions";

    public static string CentresPath(string localFiles) => localFiles + ".centres";
    public static string SuggestionsPath(string localFiles) => localFiles + ".suggestions";

    /// <summary>Removes both files (a person forgotten: nothing derived from their faces stays); true if one was there.</summary>
    public static bool Remove(string localFiles)
    {
        bool removed = false;
        foreach (var path in new[] { CentresPath(localFiles), SuggestionsPath(localFiles) })
            if (File.Exists(path))
            {
                File.Delete(path);
                removed = true;
            }
        return removed;
    }

    /// <summary>What was saved, and the people's revision it was made at (null: not known, from a file of version 1).</summary>
    public sealed record Saved<T>(T Value, long? PeopleRevision);

    /// <summary>Saves <paramref name="centres"/>, made at the catalog's <paramref name="peopleRevision"/>.</summary>
    public static void Save(string path, string catalogId, long peopleRevision, PersonCentres centres) => Write(path, CentresKind, catalogId, peopleRevision, w =>
    {
        w.Write(centres.People.Count);
        foreach (long person in centres.People) w.Write(person);
        w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(centres.Packed.AsSpan()));
    });

    /// <summary>The centres saved for this catalog; null when there are none to use.</summary>
    public static Saved<PersonCentres>? LoadCentres(string path, string catalogId) => Read(path, CentresKind, catalogId, revisionFrom: 2, r =>
    {
        int count = r.ReadInt32();
        long left = r.BaseStream.Length - r.BaseStream.Position;
        if (count < 0 || (long)count * (sizeof(long) + Faces.Embeddings.Dimensions * sizeof(float)) != left)
            throw new InvalidDataException($"{count} people in {left} bytes");
        var people = new long[count];
        for (int i = 0; i < count; i++) people[i] = r.ReadInt64();
        var packed = new float[(long)count * Faces.Embeddings.Dimensions];
        r.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(packed.AsSpan()));
        return new PersonCentres(people, packed);
    });

    /// <summary>Saves <paramref name="suggestions"/>, made at the catalog's <paramref name="peopleRevision"/>.</summary>
    public static void Save(string path, string catalogId, long peopleRevision, IReadOnlyList<MergeSuggestion> suggestions) =>
        Write(path, SuggestionsKind, catalogId, peopleRevision, w =>
    {
        w.Write(suggestions.Count);
        foreach (var s in suggestions)
        {
            w.Write(s.First.Id);
            w.Write(s.Second.Id);
            w.Write(s.Similarity);
        }
    });

    /// <summary>
    /// The suggestions saved for this catalog, each person read from <paramref name="catalog"/> as it holds them now
    /// (<see cref="PeopleService.Current"/>); null when there are none to use.
    /// </summary>
    public static Saved<IReadOnlyList<MergeSuggestion>>? LoadSuggestions(string path, string catalogId, IPeopleCatalog catalog)
    {
        var pairs = Read(path, SuggestionsKind, catalogId, revisionFrom: 3, r =>
        {
            int count = r.ReadInt32();
            if (count is < 0 or > 100_000) throw new InvalidDataException($"{count} suggestions");
            var read = new List<(long, long, float)>(count);
            for (int i = 0; i < count; i++) read.Add((r.ReadInt64(), r.ReadInt64(), r.ReadSingle()));
            return read;
        });
        return pairs is null ? null : new(PeopleService.Current(catalog, pairs.Value), pairs.PeopleRevision);
    }

    /// <summary>Written whole to a file beside it, then moved over it: a reader never sees half a file.</summary>
    static void Write(string path, string kind, string catalogId, long peopleRevision, Action<BinaryWriter> body)
    {
        var partial = path + ".partial";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!); // a PostgreSQL catalog's cache folder, on first use
            using (var w = new BinaryWriter(File.Create(partial)))
            {
                w.Write(kind);
                w.Write(Version);
                w.Write(catalogId);
                w.Write(peopleRevision);
                body(w);
            }
            File.Move(partial, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A cache: not saved (a full disk, a folder not ours) costs the next start a wait, nothing else.
            try { File.Delete(partial); }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException) { }
        }
    }

    /// <summary>A file of a version from 1 on; its revision is believed from <paramref name="revisionFrom"/> on.</summary>
    static Saved<T>? Read<T>(string path, string kind, string catalogId, int revisionFrom, Func<BinaryReader, T> body) where T : class
    {
        try
        {
            using var r = new BinaryReader(File.OpenRead(path));
            if (r.ReadString() != kind) return null;
            int version = r.ReadInt32();
            if (version is < 1 or > Version || r.ReadString() != catalogId) return null;
            long? revision = version >= 2 ? r.ReadInt64() : null;
            if (version < revisionFrom) revision = null;
            var value = body(r);
            return r.BaseStream.Position == r.BaseStream.Length ? new(value, revision) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or FormatException)
        {
            return null; // absent, cut short or not ours: made again
        }
    }
}
