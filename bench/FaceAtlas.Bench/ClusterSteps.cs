using System.Diagnostics;
using System.Reflection;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.People;
using FaceAtlas.Storage;

namespace FaceAtlas.Bench;

/// <summary>
/// Where the time of clustering a few new faces against their neighbourhood goes, step by step: big-catalog's 60 new
/// faces committed as batch N (`--batch N`, a batch not committed before) to a catalog `big-catalog --keep --make-only`
/// made (or its `catalog copy` on PostgreSQL), then clustered by <see cref="PeopleService"/> in this process with
/// exact neighbours (every face compared, found before the clock starts: no search index needed), every call to the
/// catalog and to the rows of its changes timed. Times are each call's own, without the calls made inside it (the
/// rows a change writes are not counted in the change). Leaves the new faces clustered in the catalog.
/// </summary>
internal static class ClusterSteps
{
    public static int Run(string[] args)
    {
        var location = BenchArgs.Value(args, "--catalog") ?? throw new ArgumentException("cluster-steps --catalog CATALOG --batch N");
        int batch = int.Parse(BenchArgs.Value(args, "--batch") ?? throw new ArgumentException("cluster-steps --catalog CATALOG --batch N"));
        BigCatalog.AddNewFaces(location, batch);
        using var catalog = CatalogStores.For(location).Open();
        var watch = Stopwatch.StartNew();
        var neighbours = new BigCatalog.ExactNeighbours(catalog);
        Console.WriteLine($"exact neighbours of the new faces found in {watch.Elapsed.TotalSeconds:F1} s (not counted below)");
        var timed = TimedCalls.Around(catalog);
        watch.Restart();
        var summary = new PeopleService(timed, ClusteringOptions.Default with { NeighbourhoodShare = 1 }).Cluster(full: false, neighbours: neighbours);
        var total = watch.Elapsed;
        Console.WriteLine();
        Console.WriteLine($"### Batch {batch}: {summary.Faces} new faces, {summary.FacesAssigned} placed, {summary.NewPeople} new people, {summary.People:N0} people: {total.TotalMilliseconds:F0} ms");
        Console.WriteLine();
        Console.WriteLine("| call | calls | time (own) |");
        Console.WriteLine("|---|---|---|");
        foreach (var (name, (calls, own)) in TimedCalls.Totals.OrderByDescending(t => t.Value.Own))
            Console.WriteLine($"| {name} | {calls} | {own.TotalMilliseconds:F1} ms |");
        var counted = TimedCalls.Totals.Values.Aggregate(TimeSpan.Zero, (sum, t) => sum + t.Own);
        Console.WriteLine($"| the rest (the neighbours' answers, planning) | | {(total - counted).TotalMilliseconds:F1} ms |");
        return 0;
    }

    /// <summary>Every call through the catalog's interfaces timed, each call's own time (those inside it taken out).</summary>
    public class TimedCalls : DispatchProxy
    {
        public static readonly Dictionary<string, (int Calls, TimeSpan Own)> Totals = [];
        static readonly Stack<Stopwatch> Inside = new();
        object _target = null!;

        public static IFaceCatalog Around(IFaceCatalog catalog) => Wrap(catalog);

        static T Wrap<T>(T target) where T : class
        {
            var proxy = Create<T, TimedCalls>();
            ((TimedCalls)(object)proxy)._target = target;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(method);
            if (method.Name == nameof(IPeopleCatalog.Change))
                args![0] = typeof(TimedCalls).GetMethod(nameof(RowsTimed), BindingFlags.NonPublic | BindingFlags.Static)!
                    .MakeGenericMethod(method.GetGenericArguments()[0]).Invoke(null, [args[0]]);
            var own = Stopwatch.StartNew();
            if (Inside.TryPeek(out var outer)) outer.Stop();
            Inside.Push(own);
            try
            {
                return method.Invoke(_target, args);
            }
            catch (TargetInvocationException e) when (e.InnerException is { } inner)
            {
                throw inner;
            }
            finally
            {
                own.Stop();
                Inside.Pop();
                if (Inside.TryPeek(out var resumed)) resumed.Start();
                var key = $"{method.DeclaringType!.Name}.{method.Name}";
                var (calls, time) = Totals.GetValueOrDefault(key);
                Totals[key] = (calls + 1, time + own.Elapsed);
            }
        }

        static Func<IPeopleRows, T> RowsTimed<T>(Func<IPeopleRows, T> change) => rows => change(Wrap(rows));
    }
}
