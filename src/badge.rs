//! Badges: shields.io endpoint files and self-rendered SVGs (being written).
