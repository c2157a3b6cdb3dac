using System.Collections;
using System.Runtime.CompilerServices;

namespace JitDsl.Dsl.Tree;

internal static class NodeList
{
    public static NodeList<T> Create<T>(ReadOnlySpan<T> items) => NodeList<T>.Owning(items.ToArray());
}

/// <summary>
/// An immutable list with structural equality, so that tree records that hold lists compare by content
/// (ImmutableArray compares by reference).
/// </summary>
[CollectionBuilder(typeof(NodeList), nameof(NodeList.Create))]
internal readonly struct NodeList<T> : IReadOnlyList<T>, IEquatable<NodeList<T>>
{
    private readonly T[]? items;

    public NodeList(IEnumerable<T> items) : this(items.ToArray())
    {
    }

    private NodeList(T[] items) => this.items = items;

    /// <summary>A list over an array nobody else holds (not copied).</summary>
    internal static NodeList<T> Owning(T[] items) => new(items);

    public static NodeList<T> Empty => default;

    public int Count => items?.Length ?? 0;

    public T this[int index] => (items ?? [])[index];

    public NodeList<TOut> Select<TOut>(Func<T, TOut> map) => NodeList<TOut>.Owning(Array.ConvertAll(items ?? [], item => map(item)));

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)(items ?? [])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(NodeList<T> other) => (items ?? []).AsSpan().SequenceEqual(other.items ?? []);

    public override bool Equals(object? obj) => obj is NodeList<T> other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in this)
            hash.Add(item);
        return hash.ToHashCode();
    }

    /// <summary>A copy: the caller keeps its array.</summary>
    public static implicit operator NodeList<T>(T[] items) => new(items.ToArray());
}
