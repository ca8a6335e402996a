"""A DNS server on loopback for the verifier's tests: it answers from a zone held in a dict, or never answers."""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset


class StubDns:
    """`records` maps a name (lower-case, with the final dot) to {type: [rdata text]}: a name not there is NXDOMAIN, a
    type not there an empty answer (NoAnswer). `silent` drops every query (a resolver that cannot be reached)."""

    def __init__(self, records: dict[str, dict[str, list[str]]], *, silent: bool = False) -> None:
        self.records = records
        self.silent = silent
        self.queries: list[tuple[str, str]] = []
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.settimeout(0.05)
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def address(self) -> str:
        host, port = self._socket.getsockname()
        return f"{host}:{port}"

    def _serve(self) -> None:
        while not self._stopped.is_set():
            try:
                wire, peer = self._socket.recvfrom(4096)
            except TimeoutError:
                continue
            query = dns.message.from_wire(wire)
            question = query.question[0]
            name, rdtype = question.name.to_text().lower(), dns.rdatatype.to_text(question.rdtype)
            self.queries.append((name, rdtype))
            if self.silent:
                continue
            response = dns.message.make_response(query)
            response.flags |= dns.flags.RA
            if name not in self.records:
                response.set_rcode(dns.rcode.NXDOMAIN)
            elif values := self.records[name].get(rdtype):
                response.answer.append(dns.rrset.from_text_list(name, 300, "IN", rdtype, values))
            self._socket.sendto(response.to_wire(), peer)

    def __enter__(self) -> "StubDns":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stopped.set()
        self._thread.join()
        self._socket.close()


@contextmanager
def stub_dns(records: dict[str, dict[str, list[str]]], *, silent: bool = False) -> Iterator[StubDns]:
    with StubDns(records, silent=silent) as server:
        yield server


ROOT = {".": {"SOA": ["a.root-servers.net. nstld.verisign-grs.com. 1 1800 900 604800 86400"]}}
"""The root zone's SOA: a resolver that has it can be trusted when it says a domain does not exist."""
