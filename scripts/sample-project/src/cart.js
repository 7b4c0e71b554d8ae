/** A shopping cart: a list of items with a unit price and a quantity. */
export function createCart() {
  return { items: [] };
}

export function addItem(cart, name, unitPrice, quantity = 1) {
  if (quantity <= 0) throw new Error('quantity must be positive');
  cart.items.push({ name, unitPrice, quantity });
  return cart;
}

/** The cart's total in cents, with an optional discount in percent. */
export function total(cart, discountPercent = 0) {
  const sum = cart.items.reduce((acc, item) => acc + item.unitPrice, 0);
  return Math.round(sum * (1 - discountPercent / 100));
}
