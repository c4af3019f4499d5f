using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FaceAtlas.Core.People;

namespace FaceAtlas.Web.Tests;

/// <summary>
/// The README's API table, row by row, over HTTP alone (no browser): each answer's fields, and each error as a
/// status with a JSON <c>{error}</c> body that says why, the catalog left unchanged.
/// </summary>
public sealed class ApiTests(WebFixture fixture) : IClassFixture<WebFixture>
{
    /// <summary>The error an answer carries; fails unless it is JSON with a non-empty <c>error</c>.</summary>
    public static async Task<string> Error(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = json.RootElement.GetProperty("error").GetString();
        Assert.False(string.IsNullOrWhiteSpace(error));
        return error!;
    }

    static Task<HttpResponseMessage> Post(Server server, string path, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-FaceAtlas-Request", "1");
        return server.Http.SendAsync(request);
    }

    static async Task<(long A, long B, long FaceOfA, long FaceOfB)> TwoPeople(Server server)
    {
        var people = (await server.GetJson("/api/people")).GetProperty("people");
        long a = people[0].GetProperty("person").GetInt64(), b = people[1].GetProperty("person").GetInt64();
        long Face(JsonElement detail) => detail.GetProperty("faces")[0].GetProperty("face").GetInt64();
        return (a, b, Face(await server.GetJson($"/api/people/{a}")), Face(await server.GetJson($"/api/people/{b}")));
    }

    [DatasetFact]
    public async Task Should_AnswerTheSavedSuggestionsAtOnce_AndMakeThemAnew_When_AServerStartsAgain()
    {
        // Given: a server that made the suggestions and the review (people's averages), then stopped
        string catalog, suggestions, review;
        long a, b;
        await using (var first = await fixture.StartAsync())
        {
            catalog = first.Catalog;
            (a, b, _, _) = await TwoPeople(first);
            suggestions = (await first.GetJson("/api/suggestions")).GetRawText();
            review = (await first.GetJson("/api/review")).GetRawText();
        }
        Assert.True(File.Exists(SavedLikeness.CentresPath(catalog)), "people's averages saved beside the catalog");
        // and, saved in place of the suggestions made, one no making gives: the two largest people, 0.99 alike, saved
        // at a revision the catalog is not at (its people changed since it was saved)
        using (var opened = FaceAtlas.Storage.CatalogStores.For(catalog).Open())
            SavedLikeness.Save(SavedLikeness.SuggestionsPath(catalog), opened.CatalogId, opened.PeopleRevision() - 1,
                [new MergeSuggestion(opened.Person(a)!, opened.Person(b)!, 0.99f)]);
        static (long, long, float) Pair(JsonElement s) => (s.GetProperty("first").GetProperty("person").GetInt64(),
            s.GetProperty("second").GetProperty("person").GetInt64(), s.GetProperty("similarity").GetSingle());
        Assert.DoesNotContain(JsonDocument.Parse(suggestions).RootElement.EnumerateArray(), s => Pair(s) == (a, b, 0.99f));

        // When: a server starts again on the catalog
        await using var second = await fixture.StartAsync(catalog: catalog);
        var answered = await second.GetJson("/api/suggestions");

        // Then: its first answer is the saved one, the people as they are; the review's the same as before the stop
        Assert.Equal((a, b, 0.99f), Pair(Assert.Single(answered.EnumerateArray())));
        Assert.Equal(review, (await second.GetJson("/api/review")).GetRawText());
        // and the suggestions are made anew meanwhile: soon the answer is the one made before, saved again
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string again;
        while ((again = (await second.GetJson("/api/suggestions")).GetRawText()) != suggestions && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        Assert.Equal(suggestions, again);
        // and saved in place of the old, just after it answers (written whole, then moved into place)
        bool SavedAgain()
        {
            using var opened = FaceAtlas.Storage.CatalogStores.For(catalog).Open();
            var saved = SavedLikeness.LoadSuggestions(SavedLikeness.SuggestionsPath(catalog), opened.CatalogId, opened);
            return saved is not null && saved.Value.All(s => s.Similarity != 0.99f);
        }
        while (!SavedAgain() && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        Assert.True(SavedAgain(), "the suggestions made anew are saved over the old ones");
    }

    [DatasetFact]
    public async Task Should_KeepTheSavedSuggestions_UntilWhatTheyAreMadeOfChanges_When_AServerStartsAgainOnAnUnchangedCatalog()
    {
        // Given: a server that made the suggestions, then stopped
        string catalog;
        long a, b, third;
        await using (var first = await fixture.StartAsync())
        {
            catalog = first.Catalog;
            (a, b, _, _) = await TwoPeople(first);
            third = (await first.GetJson("/api/people")).GetProperty("people")[2].GetProperty("person").GetInt64();
            await first.GetJson("/api/suggestions");
        }
        // and, saved in their place at the catalog's revision, one no making gives: the two largest people, 0.99 alike
        using (var opened = FaceAtlas.Storage.CatalogStores.For(catalog).Open())
            SavedLikeness.Save(SavedLikeness.SuggestionsPath(catalog), opened.CatalogId, opened.PeopleRevision(),
                [new MergeSuggestion(opened.Person(a)!, opened.Person(b)!, 0.99f)]);
        async Task<List<(long, long, float)>> Suggested(Server server) => [.. (await server.GetJson("/api/suggestions")).EnumerateArray()
            .Select(s => (s.GetProperty("first").GetProperty("person").GetInt64(), s.GetProperty("second").GetProperty("person").GetInt64(), s.GetProperty("similarity").GetSingle()))];

        // When: a server starts again on the catalog, unchanged, and is asked for a while
        await using var second = await fixture.StartAsync(catalog: catalog);
        for (var until = DateTime.UtcNow.AddSeconds(3); DateTime.UtcNow < until; await Task.Delay(200))
            Assert.Equal([(a, b, 0.99f)], await Suggested(second));

        // Then: the saved answer stays (one made anew replaces it at once: the test above), and a change that is not to
        // what suggestions are made of, a name, keeps it, the person named as they are now
        Assert.Equal(HttpStatusCode.OK, (await Post(second, $"/api/people/{a}/name", """{"name":"Ada"}""")).StatusCode);
        var named = await second.GetJson("/api/suggestions");
        Assert.Equal("Ada", Assert.Single(named.EnumerateArray()).GetProperty("first").GetProperty("name").GetString());
        // and one that is, a person hidden, has them made anew: the saved pair gone, the hidden person in none
        Assert.Equal(HttpStatusCode.OK, (await Post(second, $"/api/people/{third}/hide", "{}")).StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        List<(long, long, float)> made;
        while ((made = await Suggested(second)).Contains((a, b, 0.99f)) && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        Assert.DoesNotContain((a, b, 0.99f), made);
        Assert.DoesNotContain(made, s => s.Item1 == third || s.Item2 == third);
    }

    [DatasetFact]
    public async Task Should_SayTheCatalogIsEmpty_When_SearchingBeforeAnIndex()
    {
        // Given a catalog made and never indexed into
        using var temp = new TempFolder(); // removed after the server stops: no catalog left in the temp folder run after run
        var path = temp.File("empty.db");
        using (FaceAtlas.Storage.CatalogStores.For(path).OpenForWriting(create: true)) { }
        await using var server = await fixture.StartAsync(catalog: path);

        // When a photo is searched for
        var form = new MultipartFormDataContent { { new ByteArrayContent(File.ReadAllBytes(Datasets.At("deepface-tests", "person_01", "img1.jpg"))), "photo", "query.jpg" } };
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/search") { Content = form };
        request.Headers.Add("X-FaceAtlas-Request", "1");
        var answer = await server.Http.SendAsync(request);

        // Then the answer says so, as `faceatlas search` does
        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        Assert.Contains("no faces yet", await Error(answer));
    }

    [DatasetFact]
    public async Task Should_AnswerWithTheDocumentedFields_When_Reading()
    {
        await using var server = await fixture.StartAsync();
        var (a, _, face, _) = await TwoPeople(server);

        var people = await server.GetJson("/api/people?offset=0&limit=1");
        var person = await server.GetJson($"/api/people/{a}");
        long photo = person.GetProperty("faces")[0].GetProperty("photo").GetInt64();
        var photoView = await server.GetJson($"/api/photos/{photo}");
        var status = await server.GetJson("/api/status");
        var suggestions = await server.GetJson("/api/suggestions");
        var image = await server.Http.GetAsync($"/api/photos/{photo}/image?size=64");
        var thumbnail = await server.Http.GetAsync($"/api/faces/{face}/thumbnail");

        Assert.Equal(1, people.GetProperty("people").GetArrayLength());
        Assert.True(people.GetProperty("total").GetInt32() >= 2);
        foreach (var field in new[] { "person", "name", "faces", "photos", "hidden", "cover" })
            Assert.True(people.GetProperty("people")[0].TryGetProperty(field, out _), field);
        foreach (var field in new[] { "face", "photo", "box", "person", "name", "width", "height" })
            Assert.True(person.GetProperty("faces")[0].TryGetProperty(field, out _), field);
        foreach (var field in new[] { "photo", "name", "width", "height", "faces" })
            Assert.True(photoView.TryGetProperty(field, out _), field);
        foreach (var field in new[] { "photos", "faces", "people", "catalog_bytes", "indexing", "progress", "workers" })
            Assert.True(status.TryGetProperty(field, out _), field);
        Assert.True(status.GetProperty("catalog_bytes").GetInt64() > 0);
        Assert.False(status.GetProperty("indexing").GetBoolean());
        Assert.Equal(0, status.GetProperty("workers").GetArrayLength()); // a catalog file has one writer, no workers
        Assert.Equal(JsonValueKind.Array, suggestions.ValueKind);
        Assert.Equal("image/jpeg", image.Content.Headers.ContentType?.MediaType);
        Assert.Equal("image/jpeg", thumbnail.Content.Headers.ContentType?.MediaType);
    }

    [DatasetFact]
    public async Task Should_PageAPersonsPhotosNewestFirst_When_AskedAPageAtATime()
    {
        await using var server = await fixture.StartAsync();
        var (a, _, _, _) = await TwoPeople(server);
        var person = await server.GetJson($"/api/people/{a}");
        int photos = person.GetProperty("person").GetProperty("photos").GetInt32();

        var first = await server.GetJson($"/api/people/{a}/photos?offset=0&limit=1");
        var pages = new List<JsonElement> { first };
        for (var next = first.GetProperty("next"); next.ValueKind == JsonValueKind.String; next = pages[^1].GetProperty("next"))
            pages.Add(await server.GetJson($"/api/people/{a}/photos?limit=1&after={Uri.EscapeDataString(next.GetString()!)}"));
        var byOffset = await server.GetJson($"/api/people/{a}/photos?offset=1&limit=500");
        var summaryOnly = await server.GetJson($"/api/people/{a}?limit=0");
        var badCursor = await server.Http.GetAsync($"/api/people/{a}/photos?after=yesterday");
        var nobody = await server.Http.GetAsync("/api/people/999999/photos");

        foreach (var field in new[] { "total", "offset", "next", "photos", "first_taken", "last_taken" })
            Assert.True(first.TryGetProperty(field, out _), field);
        foreach (var field in new[] { "photo", "name", "taken", "taken_source", "width", "height", "faces" })
            Assert.True(first.GetProperty("photos")[0].TryGetProperty(field, out _), field);
        Assert.Equal(photos, first.GetProperty("total").GetInt32());
        var paged = pages.SelectMany(p => p.GetProperty("photos").EnumerateArray()).ToList();
        Assert.Equal(photos, paged.Count);
        Assert.Equal(photos, paged.Select(p => p.GetProperty("photo").GetInt64()).Distinct().Count());
        Assert.All(paged, p => Assert.All(p.GetProperty("faces").EnumerateArray(), f => Assert.Equal(a, f.GetProperty("person").GetInt64())));
        Assert.Equal(paged.Skip(1).Select(p => p.GetProperty("photo").GetInt64()), byOffset.GetProperty("photos").EnumerateArray().Select(p => p.GetProperty("photo").GetInt64()));
        Assert.Equal(JsonValueKind.Null, byOffset.GetProperty("next").ValueKind);
        Assert.Empty(summaryOnly.GetProperty("faces").EnumerateArray());
        Assert.Equal(HttpStatusCode.BadRequest, badCursor.StatusCode);
        Assert.Contains("page cursor", await Error(badCursor));
        Assert.Equal(HttpStatusCode.NotFound, nobody.StatusCode);
    }

    [DatasetFact]
    public async Task Should_PageTheSuggestions_WithoutLosingOrRepeatingAPair_When_PairsAreAnsweredBetweenPages()
    {
        // Given: every suggestion, in one page
        await using var server = await fixture.StartAsync();
        await server.SplitOneFaceOffEach(4);
        static (long, long) Pair(JsonElement s) => (s.GetProperty("first").GetProperty("person").GetInt64(), s.GetProperty("second").GetProperty("person").GetInt64());
        var whole = await server.GetJson("/api/suggestions/page?limit=200");
        var all = whole.GetProperty("suggestions").EnumerateArray().Select(Pair).ToList();
        Assert.True(all.Count >= 3, $"the test catalog gives {all.Count} suggestions; paging needs three or more");
        Assert.Equal(all.Count, whole.GetProperty("total").GetInt32());
        Assert.Equal(JsonValueKind.Null, whole.GetProperty("next").ValueKind);
        Assert.Equal(all.Take(20), (await server.GetJson("/api/suggestions")).EnumerateArray().Select(Pair)); // the first ones, as before

        // When: they are read a pair at a time, the first pair answered after its page and the last before its own
        var pages = new List<JsonElement> { await server.GetJson("/api/suggestions/page?limit=1") };
        Assert.Equal(HttpStatusCode.OK, (await Post(server, "/api/suggestions/dismiss", $$"""{"first":{{all[0].Item1}},"second":{{all[0].Item2}}}""")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Post(server, "/api/suggestions/dismiss", $$"""{"first":{{all[^1].Item1}},"second":{{all[^1].Item2}}}""")).StatusCode);
        for (var next = pages[^1].GetProperty("next"); next.ValueKind == JsonValueKind.String && pages.Count <= all.Count; next = pages[^1].GetProperty("next"))
            pages.Add(await server.GetJson($"/api/suggestions/page?limit=1&after={Uri.EscapeDataString(next.GetString()!)}"));
        var badCursor = await server.Http.GetAsync("/api/suggestions/page?after=yesterday");

        // Then: each pair once, in order, but for the one answered before its page came
        Assert.Equal(all.SkipLast(1), pages.SelectMany(p => p.GetProperty("suggestions").EnumerateArray()).Select(Pair));
        Assert.Equal(all.Count - 2, pages[^1].GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, badCursor.StatusCode);
        Assert.Contains("suggestions", await Error(badCursor));
    }

    [DatasetFact]
    public async Task Should_ListPhotosOfPeopleTogether_When_AskedForSeveral()
    {
        await using var server = await fixture.StartAsync();
        var (a, b, _, _) = await TwoPeople(server);
        async Task<HashSet<long>> PhotosOf(long person) =>
            (await server.GetJson($"/api/people/{person}/photos?limit=500")).GetProperty("photos").EnumerateArray().Select(p => p.GetProperty("photo").GetInt64()).ToHashSet();

        var together = await server.GetJson($"/api/photos?people={a},{b}&limit=500");
        var alone = await server.GetJson($"/api/photos?people={a}&limit=500");
        var all = await server.GetJson("/api/photos?limit=1");
        var none = await server.GetJson($"/api/photos?people={a}&from=2100-01-01");
        var badPeople = await server.Http.GetAsync("/api/photos?people=1;2");
        var badDay = await server.Http.GetAsync("/api/photos?from=2019-13-01");
        var backwards = await server.Http.GetAsync("/api/photos?from=2020-01-01&to=2019-01-01");
        var nobody = await server.Http.GetAsync("/api/photos?people=999999");

        var expected = (await PhotosOf(a)).Intersect(await PhotosOf(b)).ToHashSet();
        Assert.Equal(expected, together.GetProperty("photos").EnumerateArray().Select(p => p.GetProperty("photo").GetInt64()).ToHashSet());
        Assert.Equal(expected.Count, together.GetProperty("total").GetInt32());
        Assert.Equal(await PhotosOf(a), alone.GetProperty("photos").EnumerateArray().Select(p => p.GetProperty("photo").GetInt64()).ToHashSet());
        foreach (var field in new[] { "photo", "name", "taken", "taken_source", "width", "height", "faces", "people" })
            Assert.True(alone.GetProperty("photos")[0].TryGetProperty(field, out _), field);
        Assert.All(alone.GetProperty("photos").EnumerateArray(), p => Assert.Equal([a], p.GetProperty("people").EnumerateArray().Select(x => x.GetInt64())));
        Assert.True(all.GetProperty("total").GetInt32() >= alone.GetProperty("total").GetInt32() + 1);
        Assert.Equal(0, none.GetProperty("total").GetInt32());
        foreach (var (response, words) in new[] { (badPeople, "person ids"), (badDay, "yyyy-MM-dd"), (backwards, "before it begins") })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(words, await Error(response));
        }
        Assert.Equal(HttpStatusCode.NotFound, nobody.StatusCode);
    }

    [DatasetFact]
    public async Task Should_ServeTheIcon_When_AskedByEitherName()
    {
        await using var server = await fixture.StartAsync();

        var ico = await server.Http.GetAsync("/favicon.ico"); // asked for by browsers and tools without looking
        var svg = await server.Http.GetAsync("/favicon.svg"); // the one the pages link to
        var index = await server.Http.GetStringAsync("/");

        Assert.Equal(HttpStatusCode.OK, ico.StatusCode);
        Assert.Equal("image/x-icon", ico.Content.Headers.ContentType?.MediaType);
        Assert.Equal(new byte[] { 0, 0, 1, 0 }, (await ico.Content.ReadAsByteArrayAsync())[..4]); // an ICO's header
        Assert.Equal(HttpStatusCode.OK, svg.StatusCode);
        Assert.Equal("image/svg+xml", svg.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("<svg", await svg.Content.ReadAsStringAsync());
        Assert.Contains("<link rel=\"icon\" href=\"/favicon.svg\"", index);
    }

    [DatasetFact]
    public async Task Should_Answer404WithWords_When_AThingIsNotInTheCatalog()
    {
        await using var server = await fixture.StartAsync();
        var (a, _, face, _) = await TwoPeople(server);

        string[] reads = ["/api/people/999999", "/api/photos/999999", "/api/photos/999999/image", "/api/faces/999999/thumbnail", "/api/no-such-thing",
            "/api/faces/move"]; // a change asked for with GET
        foreach (var path in reads)
        {
            var response = await server.Http.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {response.StatusCode}");
            await Error(response);
        }
        var rename = await Post(server, "/api/people/999999/name", """{"name":"Ann"}""");
        var merge = await Post(server, $"/api/people/{a}/merge", """{"others":[999999]}""");
        var move = await Post(server, "/api/faces/move", $$"""{"faces":[{{face}}],"to":999999}""");

        Assert.Equal(HttpStatusCode.NotFound, rename.StatusCode);
        Assert.Contains("no person 999999", await Error(rename));
        Assert.Equal(HttpStatusCode.NotFound, merge.StatusCode);
        Assert.Contains("no person 999999", await Error(merge));
        Assert.Equal(HttpStatusCode.NotFound, move.StatusCode);
        var notAFace = await Post(server, "/api/faces/not-a-face", """{"faces":[999999]}""");
        Assert.Equal(HttpStatusCode.NotFound, notAFace.StatusCode);
        Assert.Contains("no face 999999", await Error(notAFace));
        Assert.Equal(a, (await server.GetJson($"/api/people/{a}")).GetProperty("person").GetProperty("person").GetInt64());
    }

    [DatasetFact]
    public async Task Should_Answer400AndChangeNothing_When_ARequestCannotBeDoneAsAsked()
    {
        await using var server = await fixture.StartAsync();
        var (a, b, _, faceOfB) = await TwoPeople(server);
        string before = (await server.GetJson($"/api/people/{a}")).GetRawText();

        var cases = new (string Path, string Body, string Says)[]
        {
            ($"/api/people/{a}/name", """{"name":"   "}""", "cannot be empty"),
            ($"/api/people/{a}/name", """{}""", "cannot be empty"),
            ($"/api/people/{a}/name", """{"name":"a/b"}""", "folder name"),
            ($"/api/people/{a}/merge", $$"""{"others":[{{a}}]}""", "into itself"),
            ($"/api/people/{a}/merge", """{"others":[]}""", "at least one person"),
            ("/api/faces/move", $$"""{"faces":[],"to":{{a}}}""", "at least one face"),
            ("/api/faces/move", $$"""{"to":{{a}}}""", "at least one face"),
            ("/api/faces/ignore", """{}""", "at least one face"),
            ("/api/faces/not-a-face", """{"faces":[]}""", "at least one face"),
            ("/api/faces/not-a-face", $$"""{"faces":[{{faceOfB}},{{faceOfB}}]}""", "more than once"),
            ("/api/faces/reject", $$"""{"faces":[{{faceOfB}}],"from":{{a}}}""", $"is not in person {a}"),
            ("/api/suggestions/dismiss", $$"""{"first":{{a}},"second":{{a}}}""", "the same as themselves"),
            ($"/api/people/{a}/name", """{"name": 12""", ""), // not JSON at all
        };
        foreach (var (path, body, says) in cases)
        {
            var response = await Post(server, path, body);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path} {body}: {response.StatusCode}");
            Assert.Contains(says, await Error(response));
        }

        Assert.Equal(before, (await server.GetJson($"/api/people/{a}")).GetRawText());
        Assert.Equal(b, (await server.GetJson($"/api/people/{b}")).GetProperty("faces").EnumerateArray()
            .Single(f => f.GetProperty("face").GetInt64() == faceOfB).GetProperty("person").GetInt64());
    }

    [DatasetFact]
    public async Task Should_DoWhatEachChangeSays_When_Valid()
    {
        await using var server = await fixture.StartAsync();
        var (a, b, _, faceOfB) = await TwoPeople(server);
        int facesOfA = (await server.GetJson($"/api/people/{a}")).GetProperty("person").GetProperty("faces").GetInt32();

        Assert.Equal(HttpStatusCode.OK, (await Post(server, $"/api/people/{a}/name", """{"name":"Ann"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Post(server, "/api/faces/move", $$"""{"faces":[{{faceOfB}}],"to":{{a}}}""")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Post(server, $"/api/people/{b}/hide", "")).StatusCode);
        var hidden = await server.GetJson("/api/people?hidden=true");
        Assert.Equal(HttpStatusCode.OK, (await Post(server, $"/api/people/{b}/unhide", "")).StatusCode);

        var person = (await server.GetJson($"/api/people/{a}")).GetProperty("person");
        Assert.Equal("Ann", person.GetProperty("name").GetString());
        Assert.Equal(facesOfA + 1, person.GetProperty("faces").GetInt32());
        Assert.Contains(hidden.GetProperty("people").EnumerateArray(), p => p.GetProperty("person").GetInt64() == b && p.GetProperty("hidden").GetBoolean());
        Assert.False((await server.GetJson($"/api/people/{b}")).GetProperty("person").GetProperty("hidden").GetBoolean());
    }

    [DatasetFact]
    public async Task Should_ListAndUndoChanges_When_AskedThroughTheApi()
    {
        // Given: a name, then a move
        await using var server = await fixture.StartAsync();
        var (a, _, _, faceOfB) = await TwoPeople(server);
        string before = (await server.GetJson("/api/people?hidden=true")).GetRawText();
        var named = await Post(server, $"/api/people/{a}/name", """{"name":"Ann"}""");
        var moved = await Post(server, "/api/faces/move", $$"""{"faces":[{{faceOfB}}],"to":{{a}}}""");
        long nameChange = long.Parse(named.Headers.GetValues("FaceAtlas-Change").Single());
        long moveChange = long.Parse(moved.Headers.GetValues("FaceAtlas-Change").Single());

        // When: the history is read, the name's undo asked for first, then the newest undone, then the name
        var history = await server.GetJson("/api/history?limit=5");
        var refused = await Post(server, "/api/undo", $$"""{"change":{{nameChange}}}""");
        var undoneMove = await Post(server, "/api/undo", $$"""{"change":{{moveChange}}}""");
        var undoneName = await Post(server, "/api/undo", "{}");

        // Then: the history lists both, newest first, with its fields; undone in order, the people are as before
        Assert.Equal(moveChange, nameChange + 1);
        Assert.Equal([moveChange, nameChange], history.EnumerateArray().Select(c => c.GetProperty("change").GetInt64()));
        Assert.Equal(["change", "at", "kind", "summary", "undone"], history[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal("move", history[0].GetProperty("kind").GetString());
        Assert.Equal("Moved 1 face to Ann", history[0].GetProperty("summary").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains($"change {moveChange}", await Error(refused));
        Assert.Equal(HttpStatusCode.OK, undoneMove.StatusCode);
        Assert.True(JsonDocument.Parse(await undoneName.Content.ReadAsStringAsync()).RootElement.GetProperty("undone").GetBoolean());
        Assert.Equal(before, (await server.GetJson("/api/people?hidden=true")).GetRawText());
        Assert.All((await server.GetJson("/api/history")).EnumerateArray(), c => Assert.True(c.GetProperty("undone").GetBoolean()));
    }

    [DatasetFact]
    public async Task Should_PutTheOldCoverBack_When_TheChangeInTheCoversAnswerIsUndone()
    {
        // Given: a person and a face of theirs that is not their cover
        await using var server = await fixture.StartAsync();
        var (a, _, _, _) = await TwoPeople(server);
        var before = await server.GetJson($"/api/people/{a}");
        long cover = before.GetProperty("person").GetProperty("cover").GetInt64();
        long other = before.GetProperty("faces").EnumerateArray().Select(f => f.GetProperty("face").GetInt64()).First(f => f != cover);

        // When: that face is made the cover, and the change the answer names is undone
        var chosen = await Post(server, $"/api/people/{a}/cover", $$"""{"face":{{other}}}""");
        long change = long.Parse(chosen.Headers.GetValues("FaceAtlas-Change").Single());
        long during = (await server.GetJson($"/api/people/{a}")).GetProperty("person").GetProperty("cover").GetInt64();
        var undone = await Post(server, "/api/undo", $$"""{"change":{{change}}}""");

        // Then
        Assert.Equal(HttpStatusCode.OK, chosen.StatusCode);
        Assert.Equal(other, during);
        Assert.Equal(HttpStatusCode.OK, undone.StatusCode);
        Assert.Equal(cover, (await server.GetJson($"/api/people/{a}")).GetProperty("person").GetProperty("cover").GetInt64());
    }

    [DatasetFact]
    public async Task Should_TakeADetectionOutOfItsPersonAndEveryList_When_NotAFace_AndBackWhenUndone()
    {
        await using var server = await fixture.StartAsync();
        var (a, _, faceOfA, _) = await TwoPeople(server);
        var before = await server.GetJson($"/api/people/{a}");
        int facesOfA = before.GetProperty("person").GetProperty("faces").GetInt32();
        long photo = before.GetProperty("faces").EnumerateArray().Single(f => f.GetProperty("face").GetInt64() == faceOfA).GetProperty("photo").GetInt64();
        int facesInCatalog = (await server.GetJson("/api/status")).GetProperty("faces").GetInt32();
        bool InPhoto(JsonElement p) => p.GetProperty("faces").EnumerateArray().Any(f => f.GetProperty("face").GetInt64() == faceOfA);

        var marked = await Post(server, "/api/faces/not-a-face", $$"""{"faces":[{{faceOfA}}]}""");

        Assert.Equal(HttpStatusCode.OK, marked.StatusCode);
        var after = await server.GetJson($"/api/people/{a}");
        Assert.Equal(facesOfA - 1, after.GetProperty("person").GetProperty("faces").GetInt32());
        Assert.DoesNotContain(after.GetProperty("faces").EnumerateArray(), f => f.GetProperty("face").GetInt64() == faceOfA);
        Assert.NotEqual(faceOfA, after.GetProperty("person").GetProperty("cover").GetInt64());
        Assert.False(InPhoto(await server.GetJson($"/api/photos/{photo}")));
        Assert.Equal(facesInCatalog - 1, (await server.GetJson("/api/status")).GetProperty("faces").GetInt32());
        Assert.DoesNotContain((await server.GetJson("/api/review")).EnumerateArray().SelectMany(g => g.GetProperty("faces").EnumerateArray()),
            f => f.GetProperty("face").GetInt64() == faceOfA);
        Assert.DoesNotContain((await server.GetJson("/api/review/ignored")).EnumerateArray(), f => f.GetProperty("face").GetInt64() == faceOfA);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Http.GetAsync($"/api/faces/{faceOfA}/thumbnail")).StatusCode);

        var undone = await Post(server, "/api/faces/not-a-face", $$"""{"faces":[{{faceOfA}}],"undo":true}""");

        Assert.Equal(HttpStatusCode.OK, undone.StatusCode);
        Assert.True(InPhoto(await server.GetJson($"/api/photos/{photo}"))); // a face again, in no person until clustered
        Assert.Equal(facesInCatalog, (await server.GetJson("/api/status")).GetProperty("faces").GetInt32());
        Assert.Contains((await server.GetJson("/api/review")).EnumerateArray().SelectMany(g => g.GetProperty("faces").EnumerateArray()),
            f => f.GetProperty("face").GetInt64() == faceOfA);
    }

    /// <summary>
    /// Another program's change (faces ignored by a command, not through this server) shows in the review within its
    /// 30 s and one request: the request that finds the groups old is answered at once with them, and they are made
    /// anew behind it.
    /// </summary>
    [DatasetFact]
    [Trait("Category", "Slow")] // half a minute: the review's groups must grow old
    public async Task Should_AnswerTheOldReviewAtOnce_AndShowAnotherProgramsChangeNext_When_ItsGroupsAreOld()
    {
        // Given: the review's groups read, then the first group's faces ignored by another program
        await using var server = await fixture.StartAsync();
        var before = await server.GetJson("/api/review/page?limit=200");
        int groups = before.GetProperty("total_groups").GetInt32();
        var faces = before.GetProperty("groups")[0].GetProperty("faces").EnumerateArray().Select(f => f.GetProperty("face").GetInt64()).ToList();
        using (var writer = Storage.CatalogStores.For(server.Catalog).OpenForWriting())
            new PeopleService(writer.Catalog).Ignore(faces);

        // When: asked again once the groups are older than 30 s, then until they change (at most 10 s)
        await Task.Delay(TimeSpan.FromSeconds(31));
        var old = await server.GetJson("/api/review/page?limit=200");
        var fresh = old;
        for (int i = 0; i < 100 && fresh.GetProperty("total_groups").GetInt32() == groups; i++)
        {
            await Task.Delay(100);
            fresh = await server.GetJson("/api/review/page?limit=200");
        }

        // Then: the old groups were answered, the ignored faces' group among them; the next answers leave it out
        Assert.Equal(groups, old.GetProperty("total_groups").GetInt32());
        Assert.Equal(groups - 1, fresh.GetProperty("total_groups").GetInt32());
        Assert.DoesNotContain(fresh.GetProperty("groups").EnumerateArray(), g => g.GetProperty("faces")[0].GetProperty("face").GetInt64() == faces[0]);
    }

    [DatasetFact]
    public async Task Should_PageTheReviewWithoutLosingOrRepeatingAGroup_When_AnsweredBetweenPages()
    {
        // Given: the review's groups, all at once
        await using var server = await fixture.StartAsync();
        var all = (await server.GetJson("/api/review")).EnumerateArray().Select(g => g.GetRawText()).ToList();
        Assert.True(all.Count >= 5, "the test catalog should leave at least five groups to review");

        // When: read two at a time, each page after the one before; then the first group of each page answered (one
        // ignored, one said not to be faces), and the rest read after the last page, and by offset after the groups
        // still shown
        var first = await server.GetJson("/api/review/page?limit=2");
        var second = await server.GetJson($"/api/review/page?after={first.GetProperty("next").GetString()}&limit=2");
        long[] FirstFaces(JsonElement page) => page.GetProperty("groups")[0].GetProperty("faces").EnumerateArray().Select(f => f.GetProperty("face").GetInt64()).ToArray();
        Assert.Equal(HttpStatusCode.OK, (await Post(server, "/api/faces/ignore", JsonSerializer.Serialize(new { faces = FirstFaces(first) }))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Post(server, "/api/faces/not-a-face", JsonSerializer.Serialize(new { faces = FirstFaces(second) }))).StatusCode);
        var rest = await server.GetJson($"/api/review/page?after={second.GetProperty("next").GetString()}&limit=200");
        var byOffset = await server.GetJson("/api/review/page?offset=2&limit=200");
        var badCursor = await server.Http.GetAsync("/api/review/page?after=yesterday");

        // Then: the fields; the pages are the whole review in order; after the answers, two groups fewer and none lost
        Assert.Equal(["total_groups", "total_faces", "offset", "groups", "next"], first.EnumerateObject().Select(p => p.Name));
        Assert.Equal(all.Count, first.GetProperty("total_groups").GetInt32());
        Assert.Equal(2, second.GetProperty("offset").GetInt32());
        Assert.Equal(all.Take(4), first.GetProperty("groups").EnumerateArray().Concat(second.GetProperty("groups").EnumerateArray()).Select(g => g.GetRawText()));
        Assert.Equal(all.Count - 2, rest.GetProperty("total_groups").GetInt32());
        Assert.Equal(2, rest.GetProperty("offset").GetInt32());
        Assert.Equal(all.Skip(4), rest.GetProperty("groups").EnumerateArray().Select(g => g.GetRawText()));
        Assert.Equal(JsonValueKind.Null, rest.GetProperty("next").ValueKind);
        Assert.Equal(all.Skip(4), byOffset.GetProperty("groups").EnumerateArray().Select(g => g.GetRawText()));
        Assert.Equal(HttpStatusCode.BadRequest, badCursor.StatusCode);
    }

    [DatasetFact]
    public async Task Should_GiveEachFaceItsPersonsAge_When_ABirthDayIsSet()
    {
        // Given: a person with a photo dated by its camera
        await using var server = await fixture.StartAsync();
        var people = (await server.GetJson("/api/people")).GetProperty("people").EnumerateArray().Select(p => p.GetProperty("person").GetInt64()).ToList();
        long person = 0;
        JsonElement dated = default;
        foreach (var id in people)
        {
            var photos = (await server.GetJson($"/api/people/{id}/photos?limit=500")).GetProperty("photos").EnumerateArray().ToList();
            var found = photos.Where(ph => ph.GetProperty("taken_source").GetString() is "exif" or "xmp" or "filename").ToList();
            if (found.Count == 0) continue;
            (person, dated) = (id, found[^1]); // the oldest
            break;
        }
        Assert.True(person != 0, "the test catalog should hold a person with a photo dated by its camera");
        var taken = DateOnly.Parse(dated.GetProperty("taken").GetString()![..10]);
        var birth = new DateOnly(taken.Year - 3, 1, 1);

        // When: their birth day is set, and a wrong one, and one in the future, are refused
        var set = await Post(server, $"/api/people/{person}/birth", $$"""{"date":"{{birth:yyyy-MM-dd}}"}""");
        var wrong = await Post(server, $"/api/people/{person}/birth", """{"date":"2019-02-30"}""");
        var future = await Post(server, $"/api/people/{person}/birth", $$"""{"date":"{{DateTime.Today.AddYears(1):yyyy-MM-dd}}"}""");

        // Then: the person says it; each face of theirs on a dated photo has its age, on every answer that shows faces
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.True(set.Headers.Contains("FaceAtlas-Change"), "setting a birth day is not in the history");
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, future.StatusCode);
        Assert.Equal(birth.ToString("yyyy-MM-dd"), (await server.GetJson($"/api/people/{person}")).GetProperty("person").GetProperty("birth").GetString());
        double expected = FaceAtlas.Core.People.PersonAge.At(birth, taken)!.Value; // the formula's own test: PersonAgeTests
        var page = (await server.GetJson($"/api/people/{person}/photos?limit=500")).GetProperty("photos").EnumerateArray()
            .Single(ph => ph.GetProperty("photo").GetInt64() == dated.GetProperty("photo").GetInt64());
        Assert.Equal(expected, page.GetProperty("faces")[0].GetProperty("person_age").GetDouble());
        var photo = await server.GetJson($"/api/photos/{dated.GetProperty("photo").GetInt64()}");
        Assert.Equal(expected, photo.GetProperty("faces").EnumerateArray().Single(f => f.GetProperty("person").ValueKind == JsonValueKind.Number
            && f.GetProperty("person").GetInt64() == person).GetProperty("person_age").GetDouble());

        // And their photos by age: that photo at its age, none at an age they had not reached
        int age = (int)expected;
        var atAge = (await server.GetJson($"/api/people/{person}/photos?age_from={age}&age_to={age}")).GetProperty("photos").EnumerateArray();
        Assert.Contains(atAge, ph => ph.GetProperty("photo").GetInt64() == dated.GetProperty("photo").GetInt64());
        Assert.All(atAge, ph => Assert.Equal(age, (int)ph.GetProperty("faces")[0].GetProperty("person_age").GetDouble()));
        Assert.Equal(0, (await server.GetJson($"/api/people/{person}/photos?age_from=200&age_to=210")).GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, (await server.Http.GetAsync($"/api/people/{person}/photos?age_from=5&age_to=2")).StatusCode);
    }

    [DatasetFact]
    public async Task Should_RefuseAFaceFromBeforeTheBirth_When_MovedDrawnOrMerged()
    {
        // Given: a person with a photo dated by its camera (taken), and another person
        await using var server = await fixture.StartAsync();
        var people = (await server.GetJson("/api/people")).GetProperty("people").EnumerateArray().Select(p => p.GetProperty("person").GetInt64()).ToList();
        long person = 0;
        JsonElement dated = default;
        foreach (var id in people)
        {
            var found = (await server.GetJson($"/api/people/{id}/photos?limit=500")).GetProperty("photos").EnumerateArray()
                .Where(ph => ph.GetProperty("taken_source").GetString() == "exif").ToList();
            if (found.Count == 0) continue;
            (person, dated) = (id, found[^1]);
            break;
        }
        Assert.True(person != 0, "the test catalog should hold a person with a photo dated by its camera");
        long other = people.First(p => p != person);
        long photo = dated.GetProperty("photo").GetInt64(), face = dated.GetProperty("faces")[0].GetProperty("face").GetInt64();
        var taken = DateOnly.Parse(dated.GetProperty("taken").GetString()![..10]);
        Assert.Equal(HttpStatusCode.OK, (await Post(server, $"/api/people/{person}/name", """{"name":"Ann"}""")).StatusCode);
        int facesInPhoto = (await server.GetJson($"/api/photos/{photo}")).GetProperty("faces").GetArrayLength();

        // When: Ann's birth day is put the day after that photo
        var set = await Post(server, $"/api/people/{person}/birth", $$"""{"date":"{{taken.AddDays(1):yyyy-MM-dd}}"}""");

        // Then: its face left her; moving it back, drawing a face there for her, or merging its new person into her are refused, saying why
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var now = (await server.GetJson($"/api/photos/{photo}")).GetProperty("faces").EnumerateArray().Single(f => f.GetProperty("face").GetInt64() == face);
        Assert.False(now.GetProperty("person").ValueKind == JsonValueKind.Number && now.GetProperty("person").GetInt64() == person);
        var move = await Post(server, "/api/faces/move", $$"""{"faces":[{{face}}],"to":{{person}}}""");
        Assert.Equal(HttpStatusCode.BadRequest, move.StatusCode);
        Assert.Contains($"before Ann was born ({taken.AddDays(1):yyyy-MM-dd})", await move.Content.ReadAsStringAsync());
        var draw = await Post(server, $"/api/photos/{photo}/faces", $$"""{"box":[1,1,40,40],"to":{{person}}}""");
        Assert.Equal(HttpStatusCode.BadRequest, draw.StatusCode);
        Assert.Contains("before Ann was born", await draw.Content.ReadAsStringAsync());
        Assert.Equal(facesInPhoto, (await server.GetJson($"/api/photos/{photo}")).GetProperty("faces").GetArrayLength());
        long moved = long.Parse(await (await Post(server, "/api/faces/move", $$"""{"faces":[{{face}}],"to":{{other}}}""")).Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await Post(server, $"/api/people/{person}/merge", $$"""{"others":[{{moved}}]}""")).StatusCode);

        // And with the birth day back before the photo, the face's age is in every answer that shows it
        Assert.Equal(HttpStatusCode.OK, (await Post(server, $"/api/people/{person}/birth", $$"""{"date":"{{taken.AddYears(-2):yyyy-MM-dd}}"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Post(server, "/api/faces/move", $$"""{"faces":[{{face}}],"to":{{person}}}""")).StatusCode);
        const double age = 2.0; // the photo is of her second birthday
        JsonElement Of(JsonElement faces) => faces.EnumerateArray().Single(f => f.GetProperty("face").GetInt64() == face);
        Assert.Equal(age, Of((await server.GetJson($"/api/people/{person}")).GetProperty("faces")).GetProperty("person_age").GetDouble());
        var listed = (await server.GetJson($"/api/photos?people={person}&limit=500")).GetProperty("photos").EnumerateArray().Single(ph => ph.GetProperty("photo").GetInt64() == photo);
        Assert.Equal(age, Of(listed.GetProperty("faces")).GetProperty("person_age").GetDouble());
        Assert.Equal(JsonValueKind.Null, (await server.GetJson($"/api/people/{other}/photos?limit=1")).GetProperty("photos")[0].GetProperty("faces")[0].GetProperty("person_age").ValueKind);
    }
}
