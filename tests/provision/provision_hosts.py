"""The lab devices the provisioning tests use (a plain module with a unique name, importable as
``from provision_hosts import ...``, unlike conftest.py)."""

# One device per vendor: a VRP aggregation (OSPF), a Comware aggregation (OSPF), an IOS town access
# device (static defaults towards its parent).
HOSTS = {
    "huawei_vrp": "sg-zhenjiang-agg-1",
    "h3c_comware": "sg-wujiang-agg-1",
    "cisco_ios": "sg-qujiang-t01-acc-1",
}
NETMIKO_TYPES = {"huawei_vrp": "huawei", "h3c_comware": "hp_comware", "cisco_ios": "cisco_ios"}
