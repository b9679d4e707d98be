// Shared code of the demo pages: the Tally client, the cart (kept in localStorage until
// checkout), the signed-in name, and the page header. Prices shown here are for display only:
// the server prices every order from its own catalog.
(function () {
  'use strict';
  var tally = Tally.init({ writeKey: 'demo_write_key', apiHost: location.origin, flushAt: 20, flushIntervalMs: 2000 });
  var CART_KEY = 'demo.cart';
  var NAME_KEY = 'demo.name';

  function read(key, fallback) {
    try {
      var v = JSON.parse(localStorage.getItem(key));
      return v == null ? fallback : v;
    } catch (e) {
      return fallback;
    }
  }
  function write(key, value) {
    try {
      if (value == null) localStorage.removeItem(key);
      else localStorage.setItem(key, JSON.stringify(value));
    } catch (e) { /* storage blocked: the cart lives only as long as the page */ }
  }

  var money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

  var Store = {
    tally: tally,
    money: function (n) { return money.format(Number(n)); },
    cart: function () { return read(CART_KEY, []); },
    saveCart: function (lines) { write(CART_KEY, lines.length ? lines : null); Store.renderHeader(); },
    cartCount: function () { return Store.cart().reduce(function (n, l) { return n + l.quantity; }, 0); },
    addToCart: function (product, quantity) {
      var lines = Store.cart();
      var line = lines.find(function (l) { return l.productId === product.id; });
      if (line) line.quantity += quantity;
      else lines.push({ productId: product.id, sku: product.sku, title: product.title, artist: product.artist, price: product.price, quantity: quantity });
      Store.saveCart(lines);
      tally.productAdded(Store.productProps(product, quantity));
    },
    removeFromCart: function (productId) {
      var lines = Store.cart();
      var line = lines.find(function (l) { return l.productId === productId; });
      Store.saveCart(lines.filter(function (l) { return l.productId !== productId; }));
      if (line) tally.productRemoved(Store.lineProps(line));
    },
    user: function () { return read(NAME_KEY, null); },
    signIn: function (name) { write(NAME_KEY, name); tally.identify(name, { name: name }); },
    signOut: function () { write(NAME_KEY, null); tally.reset(); },
    productProps: function (p, quantity) {
      return { product_id: p.id, sku: p.sku, name: p.title, brand: p.artist, price: Number(p.price), quantity: quantity || 1, currency: 'USD', image_url: location.origin + p.imageUrl, url: location.origin + '/store/product.html?id=' + encodeURIComponent(p.id) };
    },
    lineProps: function (l) {
      return { product_id: l.productId, sku: l.sku, name: l.title, brand: l.artist, price: Number(l.price), quantity: l.quantity, currency: 'USD' };
    },
    api: function (path, options) {
      return fetch('/store/api' + path, options).then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (body) {
          if (!res.ok) { var err = new Error(body.error || ('HTTP ' + res.status)); err.status = res.status; err.body = body; throw err; }
          return body;
        });
      });
    },
    el: function (tag, attrs, children) {
      var e = document.createElement(tag);
      Object.keys(attrs || {}).forEach(function (k) {
        if (k === 'text') e.textContent = attrs[k];
        else if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), attrs[k]);
        else e.setAttribute(k, attrs[k]);
      });
      (children || []).forEach(function (c) { if (c) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
      return e;
    },
    renderHeader: function () {
      var header = document.getElementById('site-header');
      if (!header) return;
      var el = Store.el;
      var user = Store.user();
      var here = location.pathname.split('/').pop() || 'index.html';
      function link(href, label) {
        var a = el('a', { href: href, text: label });
        if (here === href) a.setAttribute('aria-current', 'page');
        return a;
      }
      header.replaceChildren(
        el('a', { href: 'index.html', class: 'brand', text: 'Tally Prints' }),
        el('nav', { 'aria-label': 'Main' }, [
          link('index.html', 'Catalog'),
          link('cart.html', 'Cart (' + Store.cartCount() + ')'),
          link('signin.html', user ? 'Hi, ' + user : 'Sign in'),
        ]),
      );
    },
    showError: function (target, message) {
      target.replaceChildren(Store.el('p', { class: 'notice error', role: 'alert', text: message }));
    },
  };
  window.Store = Store;
  document.addEventListener('DOMContentLoaded', Store.renderHeader);
})();
