using System.Text.Json;
using Microsoft.Playwright;

namespace FaceAtlas.Web.Tests;

/// <summary>Ages (issue 40): a birth day set on a person's page, their age on their photos, and their photos by age.</summary>
public sealed partial class PagesTests
{
    [BrowserTheory]
    [MemberData(nameof(ReviewTests.Sizes), MemberType = typeof(ReviewTests))]
    public async Task Should_ShowAgesAndPhotosByAge_When_ABirthDayIsChosen(int width, int height)
    {
        // Given: a named person with a photo dated by its camera
        await using var server = await fixture.StartAsync();
        long person = 0;
        JsonElement dated = default;
        foreach (var id in await PeopleIds(server))
        {
            var found = (await server.GetJson($"/api/people/{id}/photos?limit=500")).GetProperty("photos").EnumerateArray()
                .Where(ph => ph.GetProperty("taken_source").GetString() == "exif").ToList();
            if (found.Count == 0) continue;
            (person, dated) = (id, found[0]);
            break;
        }
        Assert.True(person != 0, "the test catalog should hold a person with a photo dated by its camera");
        await Name(server, person, "Ada");
        var taken = DateOnly.Parse(dated.GetProperty("taken").GetString()![..10]);
        var birth = new DateOnly(taken.Year - 4, 1, 1);
        int age = (int)FaceAtlas.Core.People.PersonAge.At(birth, taken)!.Value; // the formula's own test: PersonAgeTests
        var page = await Open(server, width, height, $"#/person/{person}");
        await page.Locator("#person-photos figure").First.WaitForAsync();

        // When: a day typed into the birth field, changed before it is left, then Enter pressed
        await page.FillAsync("#person-birth", birth.AddYears(-1).ToString("yyyy-MM-dd"));
        await page.FillAsync("#person-birth", birth.ToString("yyyy-MM-dd"));
        await page.PressAsync("#person-birth", "Enter");
        await page.WaitForSelectorAsync("#message:has-text('Ada born')");
        // (saved once, with the day left in the field: not at each change)
        Assert.Single((await server.GetJson("/api/history")).EnumerateArray(), c => c.GetProperty("kind").GetString() == "birth");
        await page.Locator("#person-photos .age").First.WaitForAsync();
        await Shot(page, "person-ages", width);

        // Then: the photo's tile says the age, the person keeps the birth day, and the photo page names "Ada, 4"
        Assert.Equal(birth.ToString("yyyy-MM-dd"), await page.InputValueAsync("#person-birth"));
        Assert.Equal($"age {age}", await page.Locator($"#person-photos figure[data-photo='{dated.GetProperty("photo").GetInt64()}'] .age").First.TextContentAsync());
        Assert.Equal(birth.ToString("yyyy-MM-dd"), (await PersonOf(server, person)).GetProperty("birth").GetString());
        // and the photo's year heading the ages of that year's photos: "2019 · age 4" (or "age 3–4")
        var year = await page.Locator("#person-photos h2.month", new() { HasTextString = $"{taken.Year} · age" }).TextContentAsync();
        var ages = System.Text.RegularExpressions.Regex.Match(year!, $@"^{taken.Year} · age (\d+)(?:–(\d+))?$");
        Assert.True(ages.Success, $"the year's heading says '{year}'");
        Assert.InRange(age, int.Parse(ages.Groups[1].Value), int.Parse(ages.Groups[2].Success ? ages.Groups[2].Value : ages.Groups[1].Value));
        Assert.DoesNotContain(await page.Locator("#person-photos h2.month").AllTextContentsAsync(), h => h.StartsWith("Date unknown ·"));

        // When: their photos at that age are chosen. Then: that photo is among them, each at that age
        await page.SelectOptionAsync("#person-age", age.ToString());
        await page.WaitForSelectorAsync($"#person-photos figure[data-photo='{dated.GetProperty("photo").GetInt64()}']");
        Assert.EndsWith($"#/person/{person}/age-{age}", page.Url);
        Assert.All(await page.Locator("#person-photos .age").AllTextContentsAsync(), a => Assert.Equal($"age {age}", a));
        await Shot(page, "person-by-age", width);

        await page.GotoAsync(server.Address + $"/#/photo/{dated.GetProperty("photo").GetInt64()}");
        var tag = page.Locator($".photo .box a[href='#/person/{person}'] span");
        await tag.WaitForAsync();
        Assert.Equal($"Ada, {age}", await tag.TextContentAsync());
        Assert.Equal($"Ada, {age}", await page.Locator($"#photo-faces a[href='#/person/{person}']").TextContentAsync()); // and in the list below
        await Shot(page, "photo-ages", width);
    }
}
