using Switchyard.Compat.Tests.Infrastructure;

namespace Switchyard.Compat.Tests;

/// <summary>Async checkpointing in dev mode (the SDK posts checkpoints without credentials).</summary>
public sealed class DevModeCheckpointingTests(DevModeFixture fixture) : CheckpointingTests(fixture), IClassFixture<DevModeFixture>;
