namespace EvidenceCollector.Collectors.Azure;
