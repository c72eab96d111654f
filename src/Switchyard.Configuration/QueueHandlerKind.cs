namespace Switchyard.Configuration;

/// <summary>What a work-queue family does with an item when it is dispatched.</summary>
public enum QueueHandlerKind
{
    /// <summary>Sends a bus event (<see cref="QueueFamilyOptions.Event"/>) whose data is the item's payload.</summary>
    Event,
    /// <summary>Starts a run of a configured pipeline (<see cref="QueueFamilyOptions.Pipeline"/>) with the item as input.</summary>
    Pipeline,
    /// <summary>Sends the item to <see cref="QueueFamilyOptions.Url"/>; a 2xx answer means done.</summary>
    Http,
}
