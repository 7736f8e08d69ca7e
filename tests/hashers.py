"""A cheap Argon2 for the suites that rebuild personas after every transactional test.

Same algorithm and encoding as production; only the cost is lowered. Hashes made with the full cost
(the session's first personas) still verify, because Argon2 reads its parameters from the hash.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 1024  # KiB
    parallelism = 1
