"""The inventory: the single description of the extranet (sites, devices, links, tiers, addresses)."""
