namespace Switchyard.Gateway; internal static class Placeholder { }
