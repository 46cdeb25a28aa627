"""PlanTrack: target-responsibility management for resource conservation and environmental protection."""
