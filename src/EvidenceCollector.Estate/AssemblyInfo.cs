namespace EvidenceCollector.Estate;
