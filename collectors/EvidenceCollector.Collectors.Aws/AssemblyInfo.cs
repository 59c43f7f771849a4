namespace EvidenceCollector.Collectors.Aws;
