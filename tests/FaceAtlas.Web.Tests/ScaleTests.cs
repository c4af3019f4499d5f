using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Faces;
using FaceAtlas.Core.People;
using FaceAtlas.Storage;
using FaceAtlas.Vision;

namespace FaceAtlas.Web.Tests;

/// <summary>The People page with 10,000 people: paged, so the browser gets 200 cards at a time.</summary>
public sealed class ScaleTests(WebFixture fixture) : IClassFixture<WebFixture>
{
    [BrowserFact]
    public async Task Should_PageThroughPeople_When_ThereAreTenThousand()
    {
        // Given: 10,000 people of two (made-up) faces each, clustered as the product does
        var path = Path.Combine(Path.GetDirectoryName(fixture.BaseCatalog)!, "many.db");
        var random = new Random(4);
        using (var catalog = SqliteCatalog.Open(path))
        {
            var outcomes = new List<PhotoOutcome>();
            for (int person = 0; person < 10_000; person++)
            {
                var direction = Unit(Enumerable.Range(0, 512).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray());
                for (int i = 0; i < 2; i++)
                {
                    var face = Unit(direction.Select(v => v + (float)((random.NextDouble() - 0.5) * 0.02)).ToArray());
                    outcomes.Add(new PhotoOutcome.Analysed(new PhotoFile($"/nowhere/{person}/{i}.jpg", 1, 1), [1], new PhotoAnalysis(100, 100, "JPEG",
                        [new FaceObservation(new FaceBox(10, 10, 50, 50), 0.99f, new FivePoints(new(20, 30), new(40, 30), new(30, 40), new(22, 50), new(38, 50)), face)])));
                }
            }
            catalog.Commit(outcomes);
            new PeopleService(catalog).Cluster(full: false);
        }
        await using var server = await fixture.StartAsync(catalog: path);
        var page = await fixture.Browser.NewPageAsync(new() { Locale = "en-US" }); // counts are written in the reader's language

        // When: the first page, then the last
        await page.GotoAsync(server.Address + "/");
        await page.WaitForSelectorAsync("#people .person");
        int first = await page.Locator("#people .person").CountAsync();
        string title = (await page.Locator("h1").TextContentAsync())!;
        await page.GotoAsync(server.Address + "/#/people/9800");
        await page.WaitForSelectorAsync("#range:has-text('9,801-10,000 of 10,000')"); // the page re-rendered, not the first one still
        int last = await page.Locator("#people .person").CountAsync();

        // Then
        Assert.Equal("People (10,000)", title);
        Assert.Equal(200, first);
        Assert.Equal(200, last);
        Assert.Equal(0, await page.Locator("text=Next page").CountAsync()); // the last page has no next
    }

    [BrowserFact]
    public async Task Should_HeadEachMonthOfADenseYear_When_ScrollingAPersonsPhotos()
    {
        // Given: one person's 77 photos: July 2021 (70, more than a page), March 2021 (2), and a sparse 2019 (5)
        var path = Path.Combine(Path.GetDirectoryName(fixture.BaseCatalog)!, "months.db");
        var random = new Random(7);
        var direction = Unit(Enumerable.Range(0, 512).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray());
        var days = Enumerable.Range(0, 70).Select(i => new DateTime(2021, 7, 1 + i % 28, 10, i % 60, 0))
            .Concat([new DateTime(2021, 3, 3, 9, 0, 0), new DateTime(2021, 3, 9, 9, 0, 0)])
            .Concat([new DateTime(2019, 5, 1, 9, 0, 0), new DateTime(2019, 5, 2, 9, 0, 0), new DateTime(2019, 5, 3, 9, 0, 0), new DateTime(2019, 2, 1, 9, 0, 0), new DateTime(2019, 2, 2, 9, 0, 0)]).ToList();
        using (var catalog = SqliteCatalog.Open(path))
        {
            catalog.Commit(days.Select((day, i) => (PhotoOutcome)new PhotoOutcome.Analysed(new PhotoFile($"/nowhere/m{i}.jpg", 1, 1), [1], new PhotoAnalysis(100, 100, "JPEG",
                [new FaceObservation(new FaceBox(10, 10, 50, 50), 0.99f, new FivePoints(new(20, 30), new(40, 30), new(30, 40), new(22, 50), new(38, 50)),
                    Unit(direction.Select(v => v + (float)((random.NextDouble() - 0.5) * 0.02)).ToArray()))])) { Taken = new CaptureDate(day, null, DateSource.Exif) }).ToList());
            new PeopleService(catalog).Cluster(full: false);
        }
        await using var server = await fixture.StartAsync(catalog: path);
        long person = (await server.GetJson("/api/people")).GetProperty("people")[0].GetProperty("person").GetInt64();
        var page = await fixture.Browser.NewPageAsync(new() { Locale = "en-US" }); // counts are written in the reader's language

        // When: their page, scrolled to the end
        await page.GotoAsync(server.Address + $"/#/person/{person}");
        await page.Locator("#person-photos figure").First.WaitForAsync();
        await page.ScrollToEndAsync("#person-more");

        // Then: 2021 by months, each heading right before its photos; 2019 by its year alone; every photo once
        var headings = await page.Locator("#person-photos h2, #person-photos h3").AllTextContentsAsync();
        Assert.Equal(["2021", "July 2021", "March 2021", "2019"], headings);
        Assert.Equal(77, await page.Locator("#person-photos figure").CountAsync());
        var afterMarch = await page.Locator("#person-photos h3:has-text('March 2021') + figure a").TextContentAsync();
        Assert.Contains("Mar", afterMarch);
    }

    static float[] Unit(float[] v)
    {
        FaceEmbedder.Normalize(v);
        return v;
    }
}
