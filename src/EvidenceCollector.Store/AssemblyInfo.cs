namespace EvidenceCollector.Store;
