"""How the alerts were graded: the Admiralty grades by source type and by CLA, for HQ."""
