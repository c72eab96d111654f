using Mono.Cecil;

namespace Switchyard.Engine.Tests.Architecture;

/// <summary>The engine's folders (namespaces under <c>Switchyard.Engine</c>) and which reference which, read from the
/// compiled assembly with Mono.Cecil: signatures, base types, attributes and every instruction of every method body
/// (a call made only inside a method counts). Compiler-generated types (closures, async state machines) count as the
/// type that declares them.</summary>
internal sealed class FolderGraph
{
    private const string Root = "Switchyard.Engine";

    private FolderGraph(Dictionary<string, Dictionary<string, string>> edges) => Edges = edges;

    /// <summary>Folder → referenced folder → one example, "Type → Type", to name in a failure.</summary>
    public Dictionary<string, Dictionary<string, string>> Edges { get; }

    /// <summary>Reads the graph of the assembly at <paramref name="path"/>.</summary>
    public static FolderGraph Read(string path)
    {
        using var module = ModuleDefinition.ReadModule(path);
        var edges = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var type in module.GetTypes())
        {
            var from = FolderOf(type);
            if (from is null) continue;
            foreach (var target in References(type))
            {
                var to = FolderOf(target);
                if (to is null || to == from) continue;
                if (!edges.TryGetValue(from, out var targets)) edges[from] = targets = new(StringComparer.Ordinal);
                targets.TryAdd(to, $"{Outermost(type).FullName} → {Outermost(target).FullName}");
            }
        }
        return new FolderGraph(edges);
    }

    /// <summary>Strongly connected components with more than one folder (Tarjan): each is a cycle.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Cycles()
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var result = new List<IReadOnlyList<string>>();
        var next = 0;
        var nodes = Edges.Keys.Concat(Edges.Values.SelectMany(v => v.Keys)).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToList();

        void Visit(string v)
        {
            index[v] = low[v] = next++;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in Edges.GetValueOrDefault(v)?.Keys ?? Enumerable.Empty<string>())
            {
                if (!index.TryGetValue(w, out var wIndex)) { Visit(w); low[v] = Math.Min(low[v], low[w]); }
                else if (onStack.Contains(w)) low[v] = Math.Min(low[v], wIndex);
            }
            if (low[v] != index[v]) return;
            var component = new List<string>();
            string w2;
            do { w2 = stack.Pop(); onStack.Remove(w2); component.Add(w2); } while (w2 != v);
            if (component.Count > 1) result.Add(component.OrderBy(c => c, StringComparer.Ordinal).ToList());
        }

        foreach (var n in nodes) if (!index.ContainsKey(n)) Visit(n);
        return result;
    }

    /// <summary>The folders in dependency order (each after everything it references); valid only without cycles.</summary>
    public IReadOnlyList<string> Layers()
    {
        var nodes = Edges.Keys.Concat(Edges.Values.SelectMany(v => v.Keys)).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToList();
        var order = new List<string>();
        var done = new HashSet<string>();
        void Visit(string n)
        {
            if (!done.Add(n)) return;
            foreach (var d in (Edges.GetValueOrDefault(n)?.Keys ?? Enumerable.Empty<string>()).OrderBy(x => x, StringComparer.Ordinal)) Visit(d);
            order.Add(n);
        }
        foreach (var n in nodes) Visit(n);
        return order;
    }

    private static string? FolderOf(TypeReference type)
    {
        var ns = Outermost(type).Namespace;
        if (ns == Root) return "(root)";
        return ns.StartsWith(Root + ".", StringComparison.Ordinal) ? ns[(Root.Length + 1)..].Split('.')[0] : null;
    }

    private static TypeReference Outermost(TypeReference type)
    {
        type = type.GetElementType();
        while (type.DeclaringType is not null) type = type.DeclaringType;
        return type;
    }

    private static IEnumerable<TypeReference> References(TypeDefinition type)
    {
        if (type.BaseType is not null) foreach (var t in Expand(type.BaseType)) yield return t;
        foreach (var i in type.Interfaces) foreach (var t in Expand(i.InterfaceType)) yield return t;
        foreach (var a in type.CustomAttributes) yield return a.AttributeType;
        foreach (var f in type.Fields) foreach (var t in Expand(f.FieldType)) yield return t;
        foreach (var p in type.Properties) foreach (var t in Expand(p.PropertyType)) yield return t;
        foreach (var m in type.Methods)
        {
            foreach (var t in Expand(m.ReturnType)) yield return t;
            foreach (var p in m.Parameters) foreach (var t in Expand(p.ParameterType)) yield return t;
            if (!m.HasBody) continue;
            foreach (var v in m.Body.Variables) foreach (var t in Expand(v.VariableType)) yield return t;
            foreach (var instruction in m.Body.Instructions)
            {
                switch (instruction.Operand)
                {
                    case TypeReference t:
                        foreach (var x in Expand(t)) yield return x;
                        break;
                    case MethodReference mr:
                        foreach (var x in Expand(mr.DeclaringType)) yield return x;
                        foreach (var x in Expand(mr.ReturnType)) yield return x;
                        foreach (var p in mr.Parameters) foreach (var x in Expand(p.ParameterType)) yield return x;
                        if (mr is GenericInstanceMethod gm) foreach (var g in gm.GenericArguments) foreach (var x in Expand(g)) yield return x;
                        break;
                    case FieldReference fr:
                        foreach (var x in Expand(fr.DeclaringType)) yield return x;
                        foreach (var x in Expand(fr.FieldType)) yield return x;
                        break;
                }
            }
        }
    }

    /// <summary>A type and the type arguments inside it (<c>List&lt;RunRecord&gt;</c> references RunRecord).</summary>
    private static IEnumerable<TypeReference> Expand(TypeReference type)
    {
        if (type is GenericParameter) yield break;
        if (type is TypeSpecification spec and not GenericInstanceType)
        {
            foreach (var t in Expand(spec.ElementType)) yield return t;
            yield break;
        }
        if (type is GenericInstanceType gi)
        {
            yield return gi.ElementType;
            foreach (var a in gi.GenericArguments) foreach (var t in Expand(a)) yield return t;
            yield break;
        }
        yield return type;
    }
}
