"""Monitoring: a Prometheus exporter over the collectors', compliance's and the PKI's stored results,
alert rules with the 预警 / 黄牌 / 红牌 escalation, Alertmanager routing, dashboards, sharded scraping."""
