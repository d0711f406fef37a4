import JackpotKit

print("jackpotd-bench: not written yet")
