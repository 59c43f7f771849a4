namespace EvidenceCollector.Pipeline;
