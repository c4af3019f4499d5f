using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.People;

namespace FaceAtlas.Core.Tests;

public sealed class PersonAgeTests
{
    [Theory]
    [InlineData("2015-03-01", "2015-03-01", 0.0)]
    [InlineData("2015-03-01", "2018-08-30", 3.4)]  // 1,278 days: 3.499 years, never rounded up to 3.5
    [InlineData("2015-03-01", "2018-03-01", 3.0)]
    [InlineData("2016-02-29", "2017-02-28", 0.9)]  // a leap day's birthday: not yet one
    [InlineData("2016-02-29", "2017-03-01", 1.0)]  // ... and one on 1 March
    [InlineData("2016-02-29", "2020-02-29", 4.0)]
    [InlineData("2017-03-01", "2018-03-01", 1.0)]  // 365 days: a whole year, though less than 365.24 days
    [InlineData("2015-03-01", "2016-02-29", 0.9)]  // the day before the first birthday, in a leap year
    [InlineData("2019-12-31", "2020-12-30", 0.9)]
    [InlineData("1950-07-04", "2020-07-04", 70.0)]
    public void Should_GiveYearsWithOneDecimal_When_BornBeforeThePhoto(string birth, string taken, double years)
    {
        Assert.Equal(years, PersonAge.At(DateOnly.Parse(birth), DateOnly.Parse(taken)));
    }

    [Fact]
    public void Should_GiveNoAge_When_ThePhotoIsOlderThanThePersonOrOnlyAFileDatesIt()
    {
        var birth = new DateOnly(2015, 3, 1);
        Assert.Null(PersonAge.At(birth, new DateOnly(2015, 2, 28)));
        Assert.Null(PersonAge.Of(birth, new CaptureDate(new DateTime(2019, 1, 1), null, DateSource.File)));
        Assert.Null(PersonAge.Of(null, new CaptureDate(new DateTime(2019, 1, 1), null, DateSource.Exif)));
        Assert.Null(PersonAge.Of(birth, null));
        Assert.Equal(3.8, PersonAge.Of(birth, new CaptureDate(new DateTime(2019, 1, 1, 23, 0, 0), null, DateSource.FileName)));
    }

    [Fact]
    public void Should_SpanEveryDayOfThoseYears_When_AskedForAnAgeRange()
    {
        var (from, to) = PersonAge.Days(new DateOnly(2015, 3, 1), 3, 4);
        Assert.Equal(new DateOnly(2018, 3, 1), from);
        Assert.Equal(new DateOnly(2020, 2, 29), to); // the day before the fifth birthday
        Assert.Equal(((DateOnly?)null, (DateOnly?)new DateOnly(2016, 2, 29)), PersonAge.Days(new DateOnly(2015, 3, 1), null, 0));
    }

    [Fact]
    public void Should_LetAFaceBeSomeone_OnlyWhenNotTakenBeforeTheyWereBorn()
    {
        var birth = new DateOnly(2015, 3, 1);
        Assert.False(PersonAge.CouldBe(birth, new DateOnly(2014, 12, 31)));
        Assert.True(PersonAge.CouldBe(birth, birth));
        Assert.True(PersonAge.CouldBe(null, new DateOnly(1900, 1, 1)));
        Assert.True(PersonAge.CouldBe(birth, null));
    }
}
