import base64
import hashlib
import hmac
import json
import time
import unittest

from herald import TokenError, mint_token, verify_token

SECRET = "0123456789abcdef0123456789abcdef"
# Made with openssl from the inputs below, independently of this package:
#   header  {"alg":"HS256","typ":"JWT"}
#   payload {"exp":1700003600,"iat":1700000000,"sub":"42"}
#   openssl dgst -sha256 -hmac "$SECRET" over "<header b64url>.<payload b64url>"
KNOWN_TOKEN = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
               ".eyJleHAiOjE3MDAwMDM2MDAsImlhdCI6MTcwMDAwMDAwMCwic3ViIjoiNDIifQ"
               ".JNCiWhJSJrKtGi7P9Iyrsgq2wYcwob0vxVocAEiGJ20")


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class MintTokenTest(unittest.TestCase):
    def test_known_vector(self):
        self.assertEqual(mint_token(42, SECRET, ttl=3600, now=1700000000), KNOWN_TOKEN)
        self.assertEqual(mint_token("42", SECRET.encode(), now=1700000000.9), KNOWN_TOKEN)

    def test_matches_a_token_made_by_hand(self):
        header = b64url(b'{"alg":"HS256","typ":"JWT"}')
        payload = b64url(b'{"exp":1234567990,"iat":1234567890,"sub":"user-7"}')
        signature = hmac.new(b"another-secret-that-is-32-bytes!", f"{header}.{payload}".encode(),
                             hashlib.sha256).digest()
        by_hand = f"{header}.{payload}.{b64url(signature)}"
        self.assertEqual(mint_token("user-7", "another-secret-that-is-32-bytes!", ttl=100,
                                    now=1234567890), by_hand)

    def test_format(self):
        token = mint_token(7, SECRET, ttl=60, now=1000)
        header, payload, signature = token.split(".")
        for part in (header, payload, signature):
            self.assertNotIn("=", part)
            self.assertRegex(part, r"^[A-Za-z0-9_-]+$")
        self.assertEqual(unb64url(header), b'{"alg":"HS256","typ":"JWT"}')
        self.assertEqual(unb64url(payload), b'{"exp":1060,"iat":1000,"sub":"7"}')  # compact
        self.assertEqual(len(unb64url(signature)), 32)

    def test_verify_own_tokens(self):
        now = time.time()
        claims = verify_token(mint_token(99, SECRET), SECRET)
        self.assertEqual(claims["sub"], "99")
        self.assertEqual(claims["exp"] - claims["iat"], 3600)
        self.assertLessEqual(abs(claims["iat"] - now), 2)
        self.assertIsInstance(claims["iat"], int)
        unicode_user = verify_token(mint_token("jürgen", SECRET), SECRET)
        self.assertEqual(unicode_user["sub"], "jürgen")

    def test_verify_rejects(self):
        token = mint_token(1, SECRET, ttl=10, now=1000)
        header, payload, signature = token.split(".")
        cases = {
            "token_signature": (token, "x" * 32, 1005),
            "token_expired": (token, SECRET, 1010),
            "token_missing": ("", SECRET, 1005),
            "token_invalid": ("a.b", SECRET, 1005),
        }
        forged = b64url(json.dumps({"sub": "2", "exp": 2000, "iat": 1000}).encode())
        cases["token_signature "] = (f"{header}.{forged}.{signature}", SECRET, 1005)
        none_header = b64url(b'{"alg":"none","typ":"JWT"}')
        cases["token_algorithm"] = (f"{none_header}.{payload}.{signature}", SECRET, 1005)
        cases["token_invalid "] = (f"{header}.{payload}.{signature}=", SECRET, 1005)
        for code, (candidate, secret, now) in cases.items():
            with self.subTest(code), self.assertRaises(TokenError) as caught:
                verify_token(candidate, secret, now=now)
            self.assertEqual(caught.exception.code, code.strip())
        self.assertEqual(verify_token(token, SECRET, now=1009)["sub"], "1")

    def test_bad_arguments(self):
        for user, secret, ttl in ((None, SECRET, 1), ("", SECRET, 1), (True, SECRET, 1),
                                  (1, "", 1), (1, None, 1), (1, SECRET, 0)):
            with self.subTest(user=user, secret=secret, ttl=ttl), self.assertRaises(ValueError):
                mint_token(user, secret, ttl=ttl)


if __name__ == "__main__":
    unittest.main()
