"""The address rules of outbound requests, on the classifier alone: no test connects to these addresses."""
import ipaddress

import pytest

from avatarstudio.outbound import FORBIDDEN, PRIVATE, PUBLIC, classify


@pytest.mark.parametrize(("address", "kind"), [
    ("93.184.216.34", PUBLIC),
    ("2606:2800:220:1:248:1893:25c8:1946", PUBLIC),
    ("127.0.0.1", PRIVATE),
    ("::1", PRIVATE),
    ("10.1.2.3", PRIVATE),
    ("192.168.0.10", PRIVATE),
    ("172.16.5.4", PRIVATE),
    ("100.64.0.1", PRIVATE),
    ("fd12:3456::1", PRIVATE),
    ("169.254.169.254", FORBIDDEN),
    ("fe80::1", FORBIDDEN),
    ("fd00:ec2::254", FORBIDDEN),
    ("100.100.100.200", FORBIDDEN),
    ("0.0.0.0", FORBIDDEN),
    ("::", FORBIDDEN),
    ("224.0.0.1", FORBIDDEN),
    ("240.0.0.1", FORBIDDEN),
    # IPv6 forms that carry an IPv4 address are judged by that address.
    ("::ffff:127.0.0.1", PRIVATE),
    ("::ffff:10.0.0.1", PRIVATE),
    ("::ffff:169.254.169.254", FORBIDDEN),
    ("64:ff9b::10.0.0.1", PRIVATE),
    ("64:ff9b::a9fe:a9fe", FORBIDDEN),
    ("64:ff9b::93.184.216.34", PUBLIC),
    ("2002:0a00:0001::1", PRIVATE),
    ("2002:a9fe:a9fe::1", FORBIDDEN),
    ("2002:5db8:d822::1", PUBLIC),
])
def test_classify(address: str, kind: str) -> None:
    assert classify(ipaddress.ip_address(address)) == kind
