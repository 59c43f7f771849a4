using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using EvidenceCollector.Checks;
using EvidenceCollector.Model;

namespace EvidenceCollector.Providers;

/// <summary>
/// What one cloud brings to the house: its options (bound and validated on start), whether it is
/// configured, its target planner and collectors (<see cref="AddServices"/>), its checks (discovered in
/// <see cref="CheckAssembly"/>), the rule tables its dynamic checks map through, and how the resource id
/// of an account- or region-level setting is written. The composition root registers modules from one
/// list; adding a provider is one folder under <c>collectors/</c> plus one line there.
/// </summary>
public interface IProviderModule
{
    Provider Provider { get; }

    /// <summary>The configuration section the provider's options are bound from (<c>Aws</c>, <c>Azure</c>).</summary>
    string ConfigurationSection { get; }

    /// <summary>
    /// Null when the provider is configured and runs; otherwise, in one line, what to set to configure it.
    /// A provider that is not configured is skipped (and listed as such); asking for it by name is a usage error.
    /// </summary>
    string? NotConfigured(IConfiguration configuration);

    /// <summary>Options and their validation, clients, the target planner and the collectors.</summary>
    void AddServices(IServiceCollection services, IConfiguration configuration);

    /// <summary>The assembly whose <see cref="ICheck"/> classes are this provider's built-in checks.</summary>
    Assembly CheckAssembly { get; }

    /// <summary>Names of the rule tables (<c>mappings/iso27001-2022/&lt;name&gt;.csv</c>) the provider's dynamic checks map through.</summary>
    IReadOnlyList<string> RuleTables { get; }

    /// <summary>
    /// The resource id a finding about a whole target carries: an account-level setting when
    /// <paramref name="region"/> is <see cref="Target.Global"/>, a regional one otherwise.
    /// </summary>
    string TargetResourceId(string account, string region);

    /// <summary>How this provider compares resource ids (AWS ARNs: ordinal; ARM ids: ignoring case).</summary>
    StringComparer ResourceIdComparer { get; }
}

/// <summary>Finds the built-in checks of an assembly: every concrete <see cref="ICheck"/> with a public parameterless constructor.</summary>
public static class CheckDiscovery
{
    /// <summary>The checks, ordered by id. Two classes with the same id fail here, naming both.</summary>
    public static IReadOnlyList<ICheck> Discover(Assembly assembly, Provider provider)
    {
        var found = new Dictionary<string, ICheck>(StringComparer.Ordinal);
        foreach (var type in assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ICheck).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null))
        {
            var check = (ICheck)Activator.CreateInstance(type)!;
            var meta = check.Metadata;
            if (meta.Provider != provider)
            {
                throw new InvalidOperationException($"check {meta.Id} ({type.FullName}) names provider {meta.Provider.ToWire()} but lives in the {provider.ToWire()} provider's assembly");
            }

            if (found.TryGetValue(meta.Id, out var other))
            {
                throw new InvalidOperationException($"duplicate check id {meta.Id}: {other.GetType().FullName} and {type.FullName}");
            }

            found[meta.Id] = check;
        }

        return found.Values.OrderBy(c => c.Metadata.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>The checks of several providers; an id used in two of them fails, naming both classes.</summary>
    public static IReadOnlyList<ICheck> Discover(IEnumerable<IProviderModule> modules)
    {
        var all = new Dictionary<string, ICheck>(StringComparer.Ordinal);
        foreach (var module in modules)
        {
            foreach (var check in Discover(module.CheckAssembly, module.Provider))
            {
                if (!all.TryAdd(check.Metadata.Id, check))
                {
                    throw new InvalidOperationException($"duplicate check id {check.Metadata.Id}: {all[check.Metadata.Id].GetType().FullName} and {check.GetType().FullName}");
                }
            }
        }

        return [.. all.Values];
    }
}

/// <summary>The providers of this build, as configuration leaves them: which run, which are skipped and why.</summary>
public sealed class ProviderRegistry
{
    private readonly Dictionary<Provider, IProviderModule> _modules;
    private readonly Dictionary<Provider, string> _notConfigured;

    public ProviderRegistry(IEnumerable<IProviderModule> modules, IConfiguration configuration)
    {
        _modules = [];
        _notConfigured = [];
        foreach (var module in modules)
        {
            if (!_modules.TryAdd(module.Provider, module))
            {
                throw new InvalidOperationException($"two provider modules for {module.Provider.ToWire()}: {_modules[module.Provider].GetType().FullName} and {module.GetType().FullName}");
            }

            if (module.NotConfigured(configuration) is { } reason)
            {
                _notConfigured[module.Provider] = reason;
            }
        }
    }

    public IReadOnlyCollection<IProviderModule> Modules => _modules.Values;

    public IProviderModule? Module(Provider provider) => _modules.GetValueOrDefault(provider);

    public bool IsConfigured(Provider provider) => _modules.ContainsKey(provider) && !_notConfigured.ContainsKey(provider);

    /// <summary>Why <paramref name="provider"/> does not run (no module in this build, or what to configure); null when it runs.</summary>
    public string? WhyNot(Provider provider) =>
        !_modules.ContainsKey(provider) ? $"this build has no {provider.ToWire()} provider"
        : _notConfigured.GetValueOrDefault(provider);

    /// <inheritdoc cref="IProviderModule.TargetResourceId"/>
    public string TargetResourceId(Provider provider, string account, string region) =>
        Module(provider)?.TargetResourceId(account, region) ?? throw new InvalidOperationException($"no provider module for {provider.ToWire()}");
}
