using System.Collections.Concurrent;

namespace CorsKit.Samples.Api;

/// <summary>The body of POST /api/login.</summary>
public sealed record LoginInput(string? Name);

/// <summary>An item of the sample's in-memory resource.</summary>
public sealed record Item(int Id, string Name);

/// <summary>The body of POST and PUT on /api/items.</summary>
public sealed record ItemInput(string Name);

/// <summary>A small thread-safe in-memory collection, so the sample has something to create, change and delete.</summary>
public sealed class ItemStore
{
    private readonly ConcurrentDictionary<int, Item> _items = new();
    private int _lastId;

    public ItemStore()
    {
        Add("first item");
    }

    public IEnumerable<Item> All() => _items.Values.OrderBy(i => i.Id);

    public Item? Find(int id) => _items.GetValueOrDefault(id);

    public Item Add(string name)
    {
        var item = new Item(Interlocked.Increment(ref _lastId), name);
        _items[item.Id] = item;
        return item;
    }

    /// <summary>Replaces an existing item; never brings back one deleted concurrently.</summary>
    public Item? Replace(int id, string name)
    {
        var replacement = new Item(id, name);
        while (_items.TryGetValue(id, out var current))
        {
            if (_items.TryUpdate(id, replacement, current))
            {
                return replacement;
            }
        }

        return null;
    }

    public bool Remove(int id) => _items.TryRemove(id, out _);

    public void Clear() => _items.Clear();
}
