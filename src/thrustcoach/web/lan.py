"""The addresses a phone on the same network can reach this computer at, and their QR codes.

``thrustcoach serve --https`` listens on every interface; the Live page shows a QR code of
``https://<LAN address>:<port>/live`` so a phone can be the camera while this computer
runs the pose model. Addresses come from the network interfaces (``ifaddr``, no traffic
sent); QR codes are inline SVG (``segno``, pure Python).
"""

from __future__ import annotations

import ipaddress

import ifaddr
import segno

__all__ = ["lan_addresses", "qr_svg"]


def lan_addresses() -> list[str]:
    """Private IPv4 addresses of this machine's interfaces (home and office networks),
    loopback and link-local left out; the most likely LAN address (192.168.x) first."""
    found: list[str] = []
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            if not isinstance(ip.ip, str):
                continue  # IPv6: phones on a home LAN reach the IPv4 address
            addr = ipaddress.IPv4Address(ip.ip)
            if addr.is_private and not addr.is_loopback and not addr.is_link_local:
                found.append(str(addr))
    return sorted(set(found), key=lambda a: (not a.startswith("192.168."), a))


def qr_svg(text: str, *, scale: int = 5) -> str:
    """An inline ``<svg>`` QR code of ``text`` (black on white, quiet zone included)."""
    qr = segno.make(text, error="m")
    svg: str = qr.svg_inline(scale=scale, dark="#000", light="#fff")
    return svg
