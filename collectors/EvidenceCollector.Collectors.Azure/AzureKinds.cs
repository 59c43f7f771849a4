namespace EvidenceCollector.Collectors.Azure;

/// <summary>Evidence kinds of the Azure collectors: <c>azure.&lt;service&gt;.&lt;resource&gt;</c>, each payload the resource's ARM JSON.</summary>
public static class AzureKinds
{
    public const string RoleAssignment = "azure.authorization.role_assignment";
    public const string RoleDefinition = "azure.authorization.role_definition";
    public const string StorageAccount = "azure.storage.account";
    public const string KeyVault = "azure.keyvault.vault";
}
