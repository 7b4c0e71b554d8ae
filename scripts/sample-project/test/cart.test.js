import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addItem, createCart, total } from '../src/cart.js';

test('total counts each item times its quantity', () => {
  const cart = addItem(addItem(createCart(), 'apple', 50, 3), 'pear', 80);
  assert.equal(total(cart), 230);
});

test('total applies the discount', () => {
  const cart = addItem(createCart(), 'book', 1000);
  assert.equal(total(cart, 10), 900);
});
