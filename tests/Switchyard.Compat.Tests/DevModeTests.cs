using Switchyard.Compat.Tests.Infrastructure;

namespace Switchyard.Compat.Tests;

/// <summary>The compatibility suite in dev mode (<c>INNGEST_DEV=&lt;server url&gt;</c>, no keys).</summary>
public sealed class DevModeTests(DevModeFixture fixture) : CompatTests(fixture), IClassFixture<DevModeFixture>;
