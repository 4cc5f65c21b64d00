"""The device lab: simulated Huawei VRP, H3C Comware and Cisco IOS devices over SSH and SNMP."""
