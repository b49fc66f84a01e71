"""Citizen feedback (投诉与意见): what anyone saw at a home, a reference to follow it, a regulator's answer."""
