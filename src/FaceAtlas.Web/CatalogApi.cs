using FaceAtlas.Core;
using FaceAtlas.Core.Application;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Faces;
using FaceAtlas.Core.People;
using FaceAtlas.Core.Search;
using FaceAtlas.Core.Thumbnails;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FaceAtlas.Web;

// The API's shapes: snake_case JSON, the field names of the command line's --format jsonl where they meet.
/// <summary>A person as the API shows them; <paramref name="Birth"/>: the day they were born (yyyy-MM-dd), null when not known.</summary>
public sealed record PersonView(long Person, string? Name, int Faces, int Photos, bool Hidden, long? Cover, string? Birth = null);
public sealed record PeoplePage(int Total, int Offset, IReadOnlyList<PersonView> People);
/// <summary>A face as the API shows it; <paramref name="Match"/> is set in search answers: "person" or "face" (looks alike), as `search --format jsonl` says it.</summary>
public sealed record FaceView(long Face, long Photo, float[] Box, long? Person, string? Name, float? Similarity = null, int? Width = null, int? Height = null, string? Match = null,
    string? Taken = null, string? TakenSource = null, long? FrameMs = null, double? PersonAge = null);
public sealed record PersonDetail(PersonView Person, IReadOnlyList<FaceView> Faces);
/// <summary>A photo on a page of photos: its date, size and the faces that put it there.</summary>
public sealed record PagedPhotoView(long Photo, string Name, string? Taken, string? TakenSource, int Width, int Height, long? DurationMs, IReadOnlyList<FaceView> Faces,
    IReadOnlyList<long> People);
/// <summary>
/// A page of photos; <paramref name="Next"/>: pass it as <c>after</c> for the next page (null: the last page);
/// <paramref name="FirstTaken"/> and <paramref name="LastTaken"/>: when the dated ones of all the pages were taken.
/// </summary>
public sealed record PhotosPage(int Total, int Offset, string? Next, IReadOnlyList<PagedPhotoView> Photos, string? FirstTaken, string? LastTaken);
public sealed record PhotoView(long Photo, string Name, int Width, int Height, IReadOnlyList<FaceView> Faces, string? Taken = null, string? TakenSource = null,
    long? DurationMs = null);
public sealed record CandidateView(PersonView Person, float Similarity);
public sealed record ReviewGroupView(IReadOnlyList<FaceView> Faces, IReadOnlyList<CandidateView> Candidates);
/// <summary>
/// A page of the review's groups, largest first: <paramref name="Groups"/> from <paramref name="Offset"/>, of
/// <paramref name="TotalGroups"/> holding <paramref name="TotalFaces"/> faces; <paramref name="Next"/>: pass it as
/// <c>after</c> for the next page (null: the last page).
/// </summary>
public sealed record ReviewPageView(int TotalGroups, int TotalFaces, int Offset, IReadOnlyList<ReviewGroupView> Groups, string? Next);
public sealed record FacesRequest(long[]? Faces);
/// <summary>Detections that are not faces; <see cref="Undo"/>: they are faces again.</summary>
public sealed record NotAFaceRequest(long[]? Faces, bool Undo = false);
public sealed record CoverRequest(long Face);
public sealed record DrawRequest(float[]? Box, long? To, string? Name);
public sealed record DrawnView(long Face, long Person);
public sealed record SuggestionView(PersonView First, PersonView Second, float Similarity);
/// <summary>
/// A page of the suggestions, most alike first: <paramref name="Suggestions"/> from <paramref name="Offset"/> of
/// <paramref name="Total"/>; <paramref name="Next"/>: pass it as <c>after</c> for the next page (null: the last page).
/// </summary>
public sealed record SuggestionsPageView(int Total, int Offset, IReadOnlyList<SuggestionView> Suggestions, string? Next);
public sealed record IndexingView(int PhotosDone, int PhotosTotal, int FacesFound, bool Watching = false);
public sealed record StatusView(int Photos, int Faces, int People, long CatalogBytes, bool Indexing, IndexingView? Progress,
    IReadOnlyList<WorkerView> Workers);
/// <summary>One index worker of a shared catalog, as the status page lists it.</summary>
public sealed record WorkerView(string Host, int Pid, DateTimeOffset Started, DateTimeOffset LastSeen, int PhotosDone, int PhotosTotal,
    int FacesFound, double PhotosPerSecond);
public sealed record NameRequest(string? Name);
public sealed record BirthRequest(string? Date);
public sealed record MergeRequest(long[]? Others);
public sealed record MoveRequest(long[]? Faces, long? To);
public sealed record RejectRequest(long[]? Faces, long From);
public sealed record DismissRequest(long First, long Second);
/// <summary>A change in the history; <paramref name="Change"/> is its id, the one <c>POST /api/undo</c> takes.</summary>
public sealed record ChangeView(long Change, DateTime At, string Kind, string Summary, bool Undone);
public sealed record UndoRequest(long? Change);

/// <summary>
/// The JSON API under /api: each endpoint parses, calls Core, and shapes the answer; failures are answered by
/// <see cref="ApiErrors"/>. Each request opens the catalog for itself (a catalog connection serves one thread);
/// photos are found by id, never by a path from the request, so only photos of the catalog can be served.
/// </summary>
internal sealed class CatalogApi(ServeOptions options) : IDisposable
{
    /// <summary>
    /// Held open for the server's life. In WAL mode a catalog's last connection to close removes its -wal and -shm
    /// files and the next one to open must make them again, which a full disk refuses: with one always open, the
    /// pages still read the catalog when its disk fills.
    /// </summary>
    readonly IFaceCatalog _keepOpen = options.Catalog.Open();

    readonly PhotoPictures _pictures = new(options.Pictures);
    readonly ThumbnailCache _thumbnails = ThumbnailCache.Beside(options.Catalog.LocalFiles, new PhotoPictures(options.Pictures));
    /// <summary>The one analyser query photos and drawn faces go through, a photo at a time.</summary>
    readonly SharedAnalyzer _analyzer = new(options.NewAnalyzer);
    /// <summary>Searches, with the search index kept between them (made at the first; a second made in a race is dropped unused).</summary>
    SearchService Search => LazyInitializer.EnsureInitialized(ref _search, () => new SearchService(options.Catalog, _analyzer));
    SearchService? _search;
    /// <summary>
    /// Photos decoded at once for previews and thumbnails: a decoded 12 MP photo holds 48 MB, so fifty pages asking
    /// at once would otherwise hold gigabytes; more than the cores would not be faster anyway.
    /// </summary>
    readonly SemaphoreSlim _decoding = new(Math.Max(2, Environment.ProcessorCount));

    IFaceCatalog Open() => options.Catalog.Open();

    public void Dispose()
    {
        _keepOpen.Dispose();
        _analyzer.Dispose();
    }

    public void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/people", (int? offset, int? limit, bool? hidden, string? q) => Read(c => People(c, offset ?? 0, Math.Clamp(limit ?? 200, 1, 1000), hidden ?? false, q)));
        api.MapGet("/people/{id:long}", (long id, int? limit) => Read(c => Person(c, id, limit)));
        api.MapGet("/photos", (string? people, string? from, string? to, int? offset, int? limit, string? after) =>
            Read(c => PhotosPage(c, Query(people, from, to), new PageRequest(Math.Max(offset ?? 0, 0), Math.Clamp(limit ?? 60, 1, 500), after is null ? null : PageCursor.Parse(after)))));
        api.MapGet("/people/{id:long}/photos", (long id, int? offset, int? limit, string? after, int? age_from, int? age_to) =>
            Read(c => PersonPhotos(c, id, new PageRequest(Math.Max(offset ?? 0, 0), Math.Clamp(limit ?? 60, 1, 500), after is null ? null : PageCursor.Parse(after)), age_from, age_to)));
        api.MapPost("/people/{id:long}/birth", (long id, BirthRequest body, HttpContext http) => Undoable(http, p => p.SetBirth(id, Day(body.Date, "date"))));
        api.MapPost("/people/{id:long}/name", (long id, NameRequest body, HttpContext http) => Undoable(http, p => p.Name(id, body.Name ?? "")));
        api.MapPost("/people/{id:long}/hide", (long id, HttpContext http) => Undoable(http, p => p.Hide(id, true)));
        api.MapPost("/people/{id:long}/unhide", (long id, HttpContext http) => Undoable(http, p => p.Hide(id, false)));
        api.MapPost("/people/{id:long}/merge", (long id, MergeRequest body, HttpContext http) => UndoableAnswering(http, p => p.Merge(id, body.Others ?? [])));
        api.MapPost("/faces/move", (MoveRequest body, HttpContext http) => UndoableAnswering(http, p => p.MoveFaces(body.Faces ?? [], body.To)));
        api.MapPost("/faces/reject", (RejectRequest body, HttpContext http) => Undoable(http, p => p.RejectFaces(body.Faces ?? [], body.From)));
        api.MapPost("/people/{id:long}/cover", (long id, CoverRequest body, HttpContext http) => Undoable(http, p => p.SetCover(id, body.Face)));
        api.MapPost("/faces/ignore", (FacesRequest body, HttpContext http) => Undoable(http, p => p.Ignore(body.Faces ?? [], true)));
        api.MapPost("/faces/unignore", (FacesRequest body, HttpContext http) => Undoable(http, p => p.Ignore(body.Faces ?? [], false)));
        api.MapPost("/faces/not-a-face", (NotAFaceRequest body, HttpContext http) => Undoable(http, p => p.NotAFace(body.Faces ?? [], !body.Undo)));
        api.MapGet("/review", (int? limit) => Read(c => Review(c, Math.Clamp(limit ?? 2000, 1, 5000))));
        api.MapGet("/review/page", (int? offset, int? limit, string? after) => Read(c => ReviewPage(c, Math.Max(offset ?? 0, 0), Math.Clamp(limit ?? 12, 1, 200), after)));
        api.MapGet("/review/ignored", () => Read(c => c.FacesWithIds(c.IgnoredFaces()).Select(f => Face(f, null)).ToList()));
        api.MapPost("/suggestions/dismiss", (DismissRequest body, HttpContext http) => Undoable(http, p => p.Dismiss(body.First, body.Second)));
        api.MapGet("/history", (int? limit) => Read(c => new PeopleService(c).History(Math.Clamp(limit ?? 50, 1, 1000)).Select(View).ToList()));
        api.MapPost("/undo", (UndoRequest? body) => Read(c => View(Changed(new PeopleService(c).Undo(body?.Change)))));
        api.MapGet("/suggestions", () => Read(c => new PeopleService(c).Current(KeptSuggestions.Get(c)).Take(FirstSuggestions)
            .Select(s => new SuggestionView(View(s.First), View(s.Second), s.Similarity)).ToList()));
        api.MapGet("/suggestions/page", (int? offset, int? limit, string? after) => Read(c => SuggestionsPage(c, Math.Max(offset ?? 0, 0), Math.Clamp(limit ?? 12, 1, 200), after)));
        api.MapGet("/photos/{id:long}", (long id) => Read(c => Photo(c, id)));
        api.MapPost("/photos/{id:long}/faces", (long id, DrawRequest body) => DrawAsync(id, body));
        api.MapGet("/photos/{id:long}/image", (long id, int? size, HttpContext http) => Decoding(() => PhotoImage(id, Math.Clamp(size ?? 1024, 64, 2048), http), http));
        api.MapGet("/faces/{id:long}/thumbnail", (long id, HttpContext http) => Decoding(() => Thumbnail(id, http), http));
        api.MapPost("/search", (HttpRequest request) => SearchAsync(request)).DisableAntiforgery();
        api.MapGet("/status", () => Read(Status));
        // Anything else under /api is not a resource: 404, as for a path that tries to climb out.
        api.Map("/{**rest}", () => Results.NotFound(new ErrorView("no such resource")));
    }

    IResult Read<T>(Func<IFaceCatalog, T> read)
    {
        using var catalog = Open();
        return Results.Ok(read(catalog));
    }

    /// <summary>Counts the changes made through this server, so that what is kept between requests is made again after one.</summary>
    T Changed<T>(T answer)
    {
        Interlocked.Increment(ref _changes);
        return answer;
    }
    long _changes;

    /// <summary>
    /// A change to people that goes into the history, answered with <c>{ok: true}</c>; the change's id is in the
    /// <c>FaceAtlas-Change</c> header, for an "Undo" beside the answer (<c>POST /api/undo {change}</c>).
    /// </summary>
    IResult Undoable(HttpContext http, Action<PeopleService> change) => UndoableAnswering(http, people => { change(people); return new OkView(true); });

    /// <summary>As <see cref="Undoable"/>, answered with what it made (the merged person, the person faces moved to).</summary>
    IResult UndoableAnswering<T>(HttpContext http, Func<PeopleService, T> change) => Read(c =>
    {
        var people = new PeopleService(c);
        var answer = Changed(change(people));
        if (people.Recorded is { } id) http.Response.Headers[ChangeHeader] = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return answer;
    });

    public const string ChangeHeader = "FaceAtlas-Change";

    static ChangeView View(RecordedChange c) => new(c.Id, c.At, c.Kind, c.Summary, c.Undone);

    static PersonView View(PersonSummary p) => new(p.Id, p.Name, p.Faces, p.Photos, p.Hidden, p.CoverFace, p.Birth?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));

    static float[] Box(FaceRecord f) => [MathF.Round(f.Box.X, 1), MathF.Round(f.Box.Y, 1), MathF.Round(f.Box.Width, 1), MathF.Round(f.Box.Height, 1)];

    /// <summary>A page of people; <paramref name="query"/>: only those whose name holds it (the person picker's typing).</summary>
    static PeoplePage People(IFaceCatalog catalog, int offset, int limit, bool hidden, string? query)
    {
        var page = new PeopleService(catalog).Page(hidden, query, offset, limit);
        return new PeoplePage(page.Total, offset, page.People.Select(View).ToList());
    }

    /// <summary>Faces a person's answer holds at most (and when no limit is asked for): the pages page their photos instead.</summary>
    public const int PersonFaces = 1000, PersonFacesUnasked = 500;

    /// <summary>
    /// A person and their newest faces, at most <paramref name="limit"/> (<see cref="PersonFacesUnasked"/> when not
    /// given): those of the first page of their photos, in its order (an index's, never a sort of all their faces).
    /// </summary>
    static PersonDetail Person(IFaceCatalog catalog, long id, int? limit)
    {
        var person = new PeopleService(catalog).Get(id);
        int most = Math.Clamp(limit ?? PersonFacesUnasked, 0, PersonFaces);
        if (most == 0) return new PersonDetail(View(person), []);
        var page = new PhotoBrowser(catalog).Photos(new PhotoQuery([id]), new PageRequest(0, most, null));
        return new PersonDetail(View(person), page.Photos.SelectMany(p => p.Faces).Take(most).Select(f => Face(f, person.Name, person.Birth)).ToList());
    }

    /// <summary>A person's photos, those at an age from <paramref name="ageFrom"/> to <paramref name="ageTo"/> (whole years) when given.</summary>
    static PhotosPage PersonPhotos(IFaceCatalog catalog, long id, PageRequest request, int? ageFrom, int? ageTo) =>
        PhotosPage(catalog, new PhotoBrowser(catalog).AtAges(new PhotoQuery([id]), ageFrom, ageTo), request);

    /// <summary>A page of the photos a query names, each with the faces of its people (all, for no people) and who they are.</summary>
    static PhotosPage PhotosPage(IFaceCatalog catalog, PhotoQuery query, PageRequest request)
    {
        var page = new PhotoBrowser(catalog).Photos(query, request);
        var people = page.Photos.SelectMany(p => p.Faces).Select(f => f.PersonId).OfType<long>().Distinct().ToList();
        var names = catalog.Names(people);
        var births = catalog.Births(people);
        return new PhotosPage(page.Total, request.Offset, page.Next?.Text, page.Photos.Select(p => new PagedPhotoView(
            p.Photo.Id, Path.GetFileName(p.Photo.Path), p.Photo.Taken?.Text, p.Photo.Taken?.SourceName, p.Photo.Width, p.Photo.Height, p.Photo.DurationMs,
            p.Faces.Select(f => Face(f, f.PersonId is { } person ? names.GetValueOrDefault(person) : null, Birth(births, f.PersonId))).ToList(),
            p.Faces.Select(f => f.PersonId).OfType<long>().Distinct().ToList())).ToList(), page.FirstTaken, page.LastTaken);
    }

    /// <summary>The query of <c>GET /api/photos</c>: people as "1,2,3", days as yyyy-MM-dd.</summary>
    static PhotoQuery Query(string? people, string? from, string? to)
    {
        var ids = (people ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => long.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long id) ? id
                : throw new InvalidRequestException($"people takes person ids separated by commas, not '{p}'")).ToList();
        return new PhotoQuery(ids, Day(from, "from"), Day(to, "to"));
    }

    static DateOnly? Day(string? text, string what) => text is null ? null
        : DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var day) ? day
        : throw new InvalidRequestException($"{what} takes a day as yyyy-MM-dd, not '{text}'");

    static PhotoView Photo(IFaceCatalog catalog, long id)
    {
        var photo = catalog.Photo(id) ?? throw new NotFoundException($"no photo {id}");
        var faces = catalog.FacesInPhoto(id);
        var people = faces.Select(f => f.PersonId).OfType<long>().Distinct().ToList();
        var names = catalog.Names(people);
        var births = catalog.Births(people);
        return new PhotoView(id, Path.GetFileName(photo.Path), photo.Width, photo.Height,
            faces.Select(f => new FaceView(f.Id, id, Box(f), f.PersonId, f.PersonId is { } p ? names.GetValueOrDefault(p) : null, FrameMs: f.FrameMs,
                PersonAge: PersonAge.Of(Birth(births, f.PersonId), photo.Taken))).ToList(),
            photo.Taken?.Text, photo.Taken?.SourceName, photo.DurationMs);
    }

    /// <summary>A face with its photo's size and date, named <paramref name="name"/>, of the age its person's <paramref name="birth"/> gives it.</summary>
    static FaceView Face(FaceRecord f, string? name, DateOnly? birth = null) =>
        new(f.Id, f.Photo.Id, Box(f), f.PersonId, name, Width: f.Photo.Width, Height: f.Photo.Height, Taken: f.Photo.Taken?.Text, TakenSource: f.Photo.Taken?.SourceName,
            FrameMs: f.FrameMs, PersonAge: PersonAge.Of(birth, f.Photo.Taken));

    static DateOnly? Birth(IReadOnlyDictionary<long, DateOnly> births, long? person) => person is { } p && births.TryGetValue(p, out var day) ? day : null;

    /// <summary>The review's groups of the newest <paramref name="limit"/> leftover faces, each with its candidates.</summary>
    List<ReviewGroupView> Review(IFaceCatalog catalog, int limit)
    {
        var review = new FaceReview(catalog);
        var groups = limit == ReviewFaces ? KeptLeftovers.Get(catalog) : review.Leftovers(limit);
        return groups.Count == 0 ? [] : Views(catalog, review.Candidates(groups, KeptCentres.Get(catalog)));
    }

    /// <summary>The groups as the page shows them, every face of them read in one go.</summary>
    static List<ReviewGroupView> Views(IFaceCatalog catalog, IReadOnlyList<ReviewGroup> groups)
    {
        var faces = catalog.FacesWithIds(groups.SelectMany(g => g.Faces).ToList()).ToDictionary(f => f.Id);
        return groups.Select(g => new ReviewGroupView(
            g.Faces.Select(id => faces.GetValueOrDefault(id)).OfType<FaceRecord>().Select(f => Face(f, null)).ToList(),
            g.Candidates.Select(c => new CandidateView(View(c.Person), MathF.Round(c.Similarity, 4))).ToList())).ToList();
    }

    /// <summary>How many of the newest leftover faces the review groups (<see cref="FaceReview.Leftovers"/>'s default).</summary>
    const int ReviewFaces = 2000;

    /// <summary>
    /// What is made from the catalog and kept between requests, made again after a change through this server and when
    /// older than <paramref name="maxAge"/> (which bounds how long a change by another program, an index or a command,
    /// takes to show). With <paramref name="revision"/> (the catalog's count of changes to what it is made of), only
    /// when that count moved: one found current is kept, however old, and costs a read of the count. Made again in the
    /// background, one making at a time. After a change through this server a request waits for it up to
    /// <paramref name="patience"/> (always for the first), and is answered from the last one made meanwhile; one that
    /// is only old is answered at once while it is made anew (the change it would show, if any, was not this user's: it
    /// shows a request later). With <paramref name="saved"/> and <paramref name="save"/>, each one made is saved with
    /// its revision, and the first request after a start is answered from the last one saved: kept when the catalog
    /// is still at its revision, else answered at once while it is made anew.
    /// </summary>
    sealed class Kept<T>(CatalogApi api, Func<IFaceCatalog, T> make, TimeSpan maxAge, TimeSpan patience,
        Func<IFaceCatalog, long>? revision = null, Func<IFaceCatalog, SavedLikeness.Saved<T>?>? saved = null,
        Action<IFaceCatalog, long, T>? save = null) where T : class
    {
        /// <summary>
        /// <paramref name="Changes"/>: this server's changes when it was made or last found current, at
        /// <paramref name="At"/>; <paramref name="Revision"/>: the catalog's revision it was made at (null: not known);
        /// <paramref name="Saved"/>: read from the file a server before saved, not yet found current.
        /// </summary>
        sealed record Made(long Changes, long? Revision, DateTime At, T Value, bool Saved = false);
        Made? _made;
        Task<Made>? _making;
        bool _savedRead;
        readonly Lock _gate = new();

        public T Get(IFaceCatalog catalog)
        {
            var made = _made ?? Saved(catalog);
            if (made is null) return Making().GetAwaiter().GetResult().Value; // the first: always waited for
            long changes = Interlocked.Read(ref api._changes);
            bool changedHere = !made.Saved && made.Changes != changes;
            if (!made.Saved && !changedHere && DateTime.UtcNow - made.At <= maxAge) return made.Value;
            // The count read after this server's changes: a change of ours it misses is counted again next time.
            if (revision is not null && made.Revision is { } at && revision(catalog) == at)
            {
                lock (_gate)
                    if (ReferenceEquals(_made, made)) _made = made with { Changes = changes, At = DateTime.UtcNow, Saved = false };
                return made.Value;
            }
            var making = Making();
            return changedHere && (patience == Timeout.InfiniteTimeSpan || making.Wait(patience)) ? making.GetAwaiter().GetResult().Value : made.Value;
        }

        /// <summary>As <see cref="Get"/>, but current: waits for the making a saved or old one began.</summary>
        public T GetMade(IFaceCatalog catalog)
        {
            var value = Get(catalog);
            return Volatile.Read(ref _making) is { } making ? making.GetAwaiter().GetResult().Value : value;
        }

        /// <summary>The last one saved, read once, while nothing was made yet.</summary>
        Made? Saved(IFaceCatalog catalog)
        {
            if (saved is null) return null;
            lock (_gate)
            {
                if (_made is null && !_savedRead)
                {
                    _savedRead = true;
                    if (saved(catalog) is { } file) _made = new Made(-1, file.PeopleRevision, DateTime.MinValue, file.Value, Saved: true);
                }
                return _made;
            }
        }

        /// <summary>Starts making it, when no making is under way; the one under way.</summary>
        Task<Made> Making()
        {
            lock (_gate)
                return _making ??= Task.Run(() =>
                {
                    long changes = Interlocked.Read(ref api._changes); // read first: a change meanwhile makes it again next time
                    try
                    {
                        using var catalog = api.Open();
                        long? at = revision?.Invoke(catalog); // read before it is made: a change meanwhile moves it past
                        var made = new Made(changes, at, DateTime.UtcNow, make(catalog)); // stamped when made: a long making is not stale at once
                        lock (_gate) _made = made;
                        if (at is { } known) save?.Invoke(catalog, known, made.Value);
                        return made;
                    }
                    finally
                    {
                        lock (_gate) _making = null;
                    }
                });
        }
    }

    /// <summary>People's averages, then the suggestions, made in the background (<see cref="ServeOptions.Prepare"/>).</summary>
    public void Prepare() => _ = Task.Run(() =>
    {
        try
        {
            // One after the other (each reads every person, and on a first start every face in one), and meanwhile
            // the saved ones answer; those saved at the catalog's revision are kept, nothing made.
            using var catalog = Open();
            KeptCentres.GetMade(catalog);
            KeptSuggestions.GetMade(catalog);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Nobody asked yet: the first request that needs them makes them again and answers the failure.
        }
    });

    /// <summary>The review's groups, without candidates: cheap to make (no face of a person is read), so always fresh.</summary>
    Kept<IReadOnlyList<LeftoverGroup>> KeptLeftovers => LazyInitializer.EnsureInitialized(ref _leftovers,
        () => new(this, c => new FaceReview(c).Leftovers(ReviewFaces), TimeSpan.FromSeconds(30), Timeout.InfiniteTimeSpan));
    Kept<IReadOnlyList<LeftoverGroup>>? _leftovers;

    /// <summary>
    /// People's average faces, the review's candidates are looked for among: made from the sums the catalog keeps
    /// (from every face in a person the first time: seconds at a million faces), so a change is waited for briefly and
    /// meanwhile the last ones serve (a group's candidates are read afresh from the catalog: names, covers, hidden or
    /// gone people are always current).
    /// </summary>
    Kept<PersonCentres> KeptCentres => LazyInitializer.EnsureInitialized(ref _centres,
        () => new(this, PersonCentres.Of, TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(2), c => c.PeopleRevision(),
            c => SavedLikeness.LoadCentres(SavedLikeness.CentresPath(options.Catalog.LocalFiles), c.CatalogId),
            (c, revision, centres) => SavedLikeness.Save(SavedLikeness.CentresPath(options.Catalog.LocalFiles), c.CatalogId, revision, centres)));
    Kept<PersonCentres>? _centres;

    /// <summary>How many suggestions <c>GET /api/suggestions</c> answers: the first of those kept.</summary>
    const int FirstSuggestions = 20;

    /// <summary>How many suggestions are kept, for the pages to go through: more come as these are answered.</summary>
    const int KeptSuggestionCount = 1000;

    /// <summary>The suggestions, made from people's averages as <see cref="KeptCentres"/> are, and kept the same way.</summary>
    Kept<IReadOnlyList<MergeSuggestion>> KeptSuggestions => LazyInitializer.EnsureInitialized(ref _suggestions,
        () => new(this, c => new PeopleService(c).Suggest(KeptSuggestionCount), TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(2), c => c.PeopleRevision(),
            c => SavedLikeness.LoadSuggestions(SavedLikeness.SuggestionsPath(options.Catalog.LocalFiles), c.CatalogId, c),
            (c, revision, suggestions) => SavedLikeness.Save(SavedLikeness.SuggestionsPath(options.Catalog.LocalFiles), c.CatalogId, revision, suggestions)));
    Kept<IReadOnlyList<MergeSuggestion>>? _suggestions;

    /// <summary>
    /// A page of the review's groups: from <paramref name="offset"/>, or after the group whose key is
    /// <paramref name="after"/> (the page before's <c>next</c>), which neither skips nor repeats a group when groups
    /// are answered between pages (they leave the list).
    /// </summary>
    ReviewPageView ReviewPage(IFaceCatalog catalog, int offset, int limit, string? after)
    {
        var groups = KeptLeftovers.Get(catalog);
        if (after is not null)
        {
            var key = ReviewKey.Parse(after);
            offset = groups.Count(g => g.Key.CompareTo(key) <= 0);
        }
        var page = groups.Skip(offset).Take(limit).ToList();
        var shown = page.Count == 0 ? [] : new FaceReview(catalog).Candidates(page, KeptCentres.Get(catalog));
        return new ReviewPageView(groups.Count, groups.Sum(g => g.Faces.Count), offset, Views(catalog, shown),
            offset + page.Count < groups.Count ? page[^1].Key.Text : null);
    }

    /// <summary>
    /// A page of the suggestions as they stand now: from <paramref name="offset"/>, or after the pair whose key is
    /// <paramref name="after"/> (the page before's <c>next</c>), which neither skips nor repeats a pair when pairs are
    /// answered between pages (they leave the list) or the suggestions are made again.
    /// </summary>
    SuggestionsPageView SuggestionsPage(IFaceCatalog catalog, int offset, int limit, string? after)
    {
        var pairs = new PeopleService(catalog).Current(KeptSuggestions.Get(catalog));
        if (after is not null)
        {
            var key = SuggestionKey.Parse(after);
            offset = pairs.Count(s => s.Key.CompareTo(key) <= 0);
        }
        var page = pairs.Skip(offset).Take(limit).ToList();
        return new SuggestionsPageView(pairs.Count, offset, page.Select(s => new SuggestionView(View(s.First), View(s.Second), s.Similarity)).ToList(),
            offset + page.Count < pairs.Count ? page[^1].Key.Text : null);
    }

    StatusView Status(IFaceCatalog catalog)
    {
        var status = new StatusService(options.Catalog).Status(catalog);
        var progress = status.RunningIndex?.Progress is { } p ? new IndexingView(p.PhotosDone, p.PhotosTotal, p.FacesFound, p.Watching) : null;
        var workers = (status.RunningIndex?.Workers ?? []).Select(w => new WorkerView(w.Host, w.ProcessId, w.Started, w.LastSeen,
            w.Progress.PhotosDone, w.Progress.PhotosTotal, w.Progress.FacesFound, Math.Round(w.PhotosPerSecond, 1))).ToList();
        return new StatusView(status.Photos, status.Faces, status.People, status.CatalogBytes, status.RunningIndex is not null, progress, workers);
    }

    /// <summary>Runs <paramref name="decode"/> when a decoding slot is free; a client that leaves meanwhile gives up its place.</summary>
    async Task<IResult> Decoding(Func<IResult> decode, HttpContext http)
    {
        await _decoding.WaitAsync(http.RequestAborted);
        try
        {
            return decode();
        }
        finally
        {
            _decoding.Release();
        }
    }

    static void Cache(HttpContext http) => http.Response.Headers.CacheControl = "private, max-age=86400";

    IResult PhotoImage(long id, int size, HttpContext http)
    {
        PhotoRef? photo;
        long? firstFaceMs = null;
        using (var catalog = Open())
        {
            photo = catalog.Photo(id);
            if (photo is { IsVideo: true })
                firstFaceMs = catalog.FacesInPhoto(id).Select(f => f.FrameMs).FirstOrDefault(ms => ms is not null);
        }
        if (photo is not { } found) throw new NotFoundException($"no photo {id}");
        try
        {
            var jpeg = _pictures.Preview(found, size, firstFaceMs);
            Cache(http);
            return Results.Bytes(jpeg, "image/jpeg");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PhotoDecodeException)
        {
            throw new NotFoundException("the photo cannot be read now; index again");
        }
    }

    IResult Thumbnail(long id, HttpContext http)
    {
        FaceRecord? face;
        using (var catalog = Open())
            face = catalog.Face(id);
        if (face is null) throw new NotFoundException($"no face {id}");
        string? path;
        try
        {
            path = _thumbnails.PathFor(face);
        }
        catch (DiskFullException)
        {
            // No room to keep it: the page still gets its thumbnail, made for this request only.
            return _thumbnails.Render(face) is { } jpeg ? Results.Bytes(jpeg, "image/jpeg") : throw Unreadable(face);
        }
        if (path is null) throw Unreadable(face);
        Cache(http);
        return Results.File(path, "image/jpeg");
    }

    /// <summary>A face drawn on the photo page: embedded by the shared analyser, one photo at a time, as searches are.</summary>
    async Task<IResult> DrawAsync(long photo, DrawRequest body)
    {
        var (face, person) = await _analyzer.UseAsync(analyzer =>
        {
            using var catalog = Open();
            return new DrawnFaces(catalog, analyzer).Add(photo, body.Box ?? [], body.To, body.Name);
        });
        return Results.Ok(Changed(new DrawnView(face, person)));
    }

    static NotFoundException Unreadable(FaceRecord face) => new($"the photo of face {face.Id} cannot be read now; index again");

    /// <summary>The uploaded query photo goes through the indexing pipeline's decoder, with its limits; one at a time.</summary>
    async Task<IResult> SearchAsync(HttpRequest request)
    {
        var tooLarge = Results.Json(new ErrorView($"the upload is too large (at most {options.MaxUploadBytes / 1048576} MB)"),
            WebJson.Contract<ErrorView>(request.HttpContext), statusCode: 413);
        if (request.ContentLength > options.MaxUploadBytes) return tooLarge; // said before a byte of it is read
        if (!request.HasFormContentType) throw new InvalidRequestException("send the photo as multipart/form-data, field 'photo'");
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync();
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return tooLarge;
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException)
        {
            throw new InvalidRequestException($"the upload is malformed: {e.Message}");
        }
        if (form.Files.GetFile("photo") is not { } file) throw new InvalidRequestException("no file in field 'photo'");
        using var bytes = new MemoryStream();
        await file.CopyToAsync(bytes);
        var query = new SearchQuery.Photo(bytes.ToArray(), Path.GetFileName(file.FileName));
        return Read(c =>
        {
            var result = Search.Search(c, query, new SearchOptions()); // the default rule, as `search PHOTO` answers
            var names = c.Names(result.Hits.Select(h => h.Face.PersonId).OfType<long>().ToList());
            return result.Hits.Select(h => new FaceView(h.Face.Id, h.Face.Photo.Id, Box(h.Face), h.Face.PersonId,
                h.Face.PersonId is { } p ? names.GetValueOrDefault(p) : null, MathF.Round(h.Similarity, 4), Match: h.Match.Name(),
                Taken: h.Face.Photo.Taken?.Text, TakenSource: h.Face.Photo.Taken?.SourceName, FrameMs: h.Face.FrameMs)).ToList();
        });
    }
}
