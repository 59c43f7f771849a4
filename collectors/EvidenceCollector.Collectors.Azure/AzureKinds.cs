namespace EvidenceCollector.Collectors.Azure;

/// <summary>Evidence kinds of the Azure collectors: <c>azure.&lt;service&gt;.&lt;resource&gt;</c>, each payload the resource's ARM JSON (related reads under <c>related</c>).</summary>
public static class AzureKinds
{
    public const string RoleAssignment = "azure.authorization.role_assignment";
    public const string RoleDefinition = "azure.authorization.role_definition";
    public const string StorageAccount = "azure.storage.account";
    public const string KeyVault = "azure.keyvault.vault";
    public const string DiagnosticSetting = "azure.monitor.diagnostic_setting";
    public const string ActivityLogAlert = "azure.monitor.activity_log_alert";
    public const string Workspace = "azure.monitor.log_analytics_workspace";
    public const string Disk = "azure.compute.disk";
    public const string VirtualMachine = "azure.compute.virtual_machine";
    public const string NetworkSecurityGroup = "azure.network.security_group";
    public const string NetworkWatcher = "azure.network.watcher";
    public const string VirtualNetwork = "azure.network.virtual_network";
    public const string SqlServer = "azure.sql.server";
    public const string SqlDatabase = "azure.sql.database";
    public const string DefenderPricing = "azure.defender.pricing";
    public const string SecurityContact = "azure.defender.security_contact";
    public const string AutoProvisioning = "azure.defender.auto_provisioning";
    public const string PolicyAssignment = "azure.policy.assignment";
    public const string PolicyState = "azure.policy.state";
    public const string PolicySummary = "azure.policy.summary";

    /// <summary>What a subscription-wide list held (its path, count and ids): cited by findings that something is absent.</summary>
    public const string MonitorListing = "azure.monitor.listing";
    public const string DefenderListing = "azure.defender.listing";
    public const string PolicyListing = "azure.policy.listing";
}
