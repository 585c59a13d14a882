blocks = []
while True:
    blocks.append(bytearray(1 << 20))  # zero-filled, so every page is touched
