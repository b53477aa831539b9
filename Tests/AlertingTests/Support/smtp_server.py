"""A real SMTP server for netmon's tests: aiosmtpd with STARTTLS (or implicit TLS) and AUTH PLAIN/LOGIN.

Every accepted message is written to OUTDIR/<n>.eml (the bytes as received after DATA) and OUTDIR/<n>.json
(envelope, authenticated user, TLS flag, and the Subject and bodies as Python's email package decodes them).
Prints READY <port> when listening.
"""
import argparse, asyncio, json, os, ssl, sys
from email import message_from_bytes, policy
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword, SMTP

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--cert", required=True)
parser.add_argument("--key", required=True)
parser.add_argument("--outdir", required=True)
parser.add_argument("--user", default="netmon")
parser.add_argument("--password", default="s3cret")
parser.add_argument("--implicit-tls", action="store_true")
parser.add_argument("--no-starttls", action="store_true")
parser.add_argument("--exclude-plain", action="store_true")
args = parser.parse_args()

context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(args.cert, args.key)
counter = {"n": 0}


class Authenticator:
    def __call__(self, server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword) and auth_data.login.decode() == args.user \
                and auth_data.password.decode() == args.password:
            return AuthResult(success=True, auth_data=mechanism)
        return AuthResult(success=False, handled=False)


class Handler:
    async def handle_DATA(self, server, session, envelope):
        counter["n"] += 1
        n = counter["n"]
        raw = envelope.original_content or envelope.content
        with open(os.path.join(args.outdir, f"{n}.eml"), "wb") as f:
            f.write(raw)
        message = message_from_bytes(raw, policy=policy.default)
        parts = {}
        for part in message.walk():
            if part.get_content_maintype() == "text":
                parts[part.get_content_type()] = part.get_content()
        info = {
            "helo": session.host_name,
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "mechanism": session.auth_data,
            "authenticated": session.authenticated,
            # STARTTLS sets session.ssl; implicit TLS shows as an SSL object on the transport.
            "tls": session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None,
            "subject": str(message["Subject"]),
            "date": str(message["Date"]),
            "message_id": str(message["Message-ID"]),
            "content_type": message.get_content_type(),
            "parts": parts,
        }
        with open(os.path.join(args.outdir, f"{n}.json"), "w") as f:
            json.dump(info, f, ensure_ascii=False)
        return "250 Message accepted"


kwargs = dict(authenticator=Authenticator(), auth_require_tls=True,
              auth_exclude_mechanism=["PLAIN"] if args.exclude_plain else None)
if args.implicit_tls:
    # The whole connection is TLS; aiosmtpd only knows about STARTTLS when deciding whether AUTH may be offered.
    kwargs["auth_require_tls"] = False
    controller = Controller(Handler(), hostname="127.0.0.1", port=args.port, ssl_context=context, **kwargs)
else:
    controller = Controller(Handler(), hostname="127.0.0.1", port=args.port,
                            tls_context=None if args.no_starttls else context,
                            require_starttls=not args.no_starttls, **kwargs)
controller.start()
print(f"READY {args.port}", flush=True)
try:
    asyncio.new_event_loop().run_forever()
except KeyboardInterrupt:
    pass
finally:
    controller.stop()
